#include "sched/schedule_expression.hpp"

#include "common/civil_time.hpp"
#include "common/split.hpp"

#include <array>
#include <charconv>
#include <vector>

namespace berth::sched {
namespace {

using Bits = std::vector<bool>;

std::unexpected<Error> invalid(const std::string& message) {
  return fail(Code::invalid_parameter, "Invalid schedule expression: " + message + ".");
}

std::optional<int> number(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// A value that may be a name (JAN..DEC, SUN..SAT) or a number.
std::optional<int> value_of(std::string_view s, const std::array<std::string_view, 12>* names, int first) {
  if (names) {
    for (std::size_t i = 0; i < names->size() && !(*names)[i].empty(); ++i) {
      if (s == (*names)[i]) return static_cast<int>(i) + first;
    }
  }
  return number(s);
}

constexpr std::array<std::string_view, 12> k_months = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 12> k_days = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// Parses `, - * /` lists into bits [lo, hi].
Result<Bits> parse_list(std::string_view field, int lo, int hi, const std::array<std::string_view, 12>* names,
                        const std::string& what) {
  Bits bits(static_cast<std::size_t>(hi + 1), false);
  for (auto part : split(field, ',')) {
    int step = 1;
    if (const auto slash = part.find('/'); slash != std::string_view::npos) {
      const auto s = number(part.substr(slash + 1));
      if (!s || *s < 1) return invalid(what + ": bad step in '" + std::string(part) + "'");
      step = *s;
      part = part.substr(0, slash);
    }
    int from = lo, to = hi;
    if (part != "*") {
      const auto dash = part.find('-');
      const auto a = value_of(part.substr(0, dash), names, lo);
      const auto b = dash == std::string_view::npos ? a : value_of(part.substr(dash + 1), names, lo);
      if (!a || !b || *a < lo || *b > hi || *a > *b) {
        return invalid(what + ": '" + std::string(part) + "' is outside " + std::to_string(lo) + "-" + std::to_string(hi));
      }
      from = *a;
      to = step > 1 && dash == std::string_view::npos ? hi : *b;
    }
    for (int v = from; v <= to; v += step) bits[static_cast<std::size_t>(v)] = true;
  }
  return bits;
}

template <std::size_t N>
void copy_bits(const Bits& from, std::bitset<N>& to, int offset = 0) {
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (from[i]) to.set(i - static_cast<std::size_t>(offset));
  }
}

Result<CronFields> parse_cron(std::string_view body) {
  std::vector<std::string_view> fields;
  for (auto f : split(body, ' ')) {
    if (!f.empty()) fields.push_back(f);
  }
  if (fields.size() != 6) return invalid("cron takes 6 fields: minutes hours day-of-month month day-of-week year");
  CronFields c;
  BERTH_ASSIGN(auto minutes, parse_list(fields[0], 0, 59, nullptr, "minutes"));
  copy_bits(minutes, c.minutes);
  BERTH_ASSIGN(auto hours, parse_list(fields[1], 0, 23, nullptr, "hours"));
  copy_bits(hours, c.hours);
  BERTH_ASSIGN(auto months, parse_list(fields[3], 1, 12, &k_months, "month"));
  copy_bits(months, c.months);
  BERTH_ASSIGN(auto years, parse_list(fields[5], 1970, 2199, nullptr, "year"));
  for (int y = 1970; y <= 2199; ++y) {
    if (years[static_cast<std::size_t>(y)]) c.years.set(static_cast<std::size_t>(y - 1970));
  }
  const std::string_view dom = fields[2], dow = fields[4];
  c.day_of_month_any = dom == "?";
  c.day_of_week_any = dow == "?";
  if (c.day_of_month_any == c.day_of_week_any) {
    return invalid("cron: exactly one of day-of-month and day-of-week must be '?'");
  }
  if (!c.day_of_month_any) {
    if (dom == "L") c.last_day_of_month = true;
    else if (dom == "LW") c.nearest_weekday_to = -1;
    else if (dom.size() > 1 && dom.back() == 'W') {
      const auto d = number(dom.substr(0, dom.size() - 1));
      if (!d || *d < 1 || *d > 31) return invalid("day-of-month: bad 'W' day");
      c.nearest_weekday_to = *d;
    } else {
      BERTH_ASSIGN(auto days, parse_list(dom, 1, 31, nullptr, "day-of-month"));
      copy_bits(days, c.days_of_month);
    }
  }
  if (!c.day_of_week_any) {
    if (const auto hash = dow.find('#'); hash != std::string_view::npos) {
      const auto d = value_of(dow.substr(0, hash), &k_days, 1);
      const auto k = number(dow.substr(hash + 1));
      if (!d || *d < 1 || *d > 7 || !k || *k < 1 || *k > 5) return invalid("day-of-week: bad '#' (e.g. 3#2)");
      c.nth_weekday = *d;
      c.nth_weekday_index = *k;
    } else if (dow.size() > 1 && dow.back() == 'L') {
      const auto d = value_of(dow.substr(0, dow.size() - 1), &k_days, 1);
      if (!d || *d < 1 || *d > 7) return invalid("day-of-week: bad 'L' (e.g. 6L)");
      c.last_weekday_of_month = *d;
    } else {
      BERTH_ASSIGN(auto days, parse_list(dow == "L" ? "7" : dow, 1, 7, &k_days, "day-of-week"));
      copy_bits(days, c.days_of_week);
    }
  }
  return c;
}

// 1 = Sunday ... 7 = Saturday, as cron counts.
int weekday(int y, int m, int d) { return weekday_from_days(days_from_civil(y, m, d)) + 1; }

bool day_matches(const CronFields& c, int y, int m, int d) {
  const int last = days_in_month(y, m);
  if (!c.day_of_month_any) {
    if (c.last_day_of_month) return d == last;
    if (c.nearest_weekday_to != 0) {
      // The weekday nearest to the target day, without leaving the month.
      int target = c.nearest_weekday_to < 0 ? last : std::min(c.nearest_weekday_to, last);
      const int wd = weekday(y, m, target);
      if (wd == 7) target = target == 1 ? 3 : target - 1;       // Saturday → Friday (or Monday)
      else if (wd == 1) target = target == last ? target - 2 : target + 1;  // Sunday → Monday (or Friday)
      return d == target;
    }
    return c.days_of_month.test(static_cast<std::size_t>(d));
  }
  const int wd = weekday(y, m, d);
  if (c.last_weekday_of_month) return wd == c.last_weekday_of_month && d + 7 > last;
  if (c.nth_weekday) return wd == c.nth_weekday && (d - 1) / 7 + 1 == c.nth_weekday_index;
  return c.days_of_week.test(static_cast<std::size_t>(wd));
}

std::optional<std::int64_t> next_cron(const CronFields& c, std::int64_t after) {
  const std::int64_t start = after + 60 - ((after % 60) + 60) % 60;  // the next whole minute
  std::int64_t day = start / 86400;
  int first_minute_of_day = static_cast<int>((start % 86400) / 60);
  for (int iterations = 0; iterations < 366 * 231; ++iterations, ++day, first_minute_of_day = 0) {
    const auto [y, m, d] = civil_from_days(day);
    if (y > 2199) return std::nullopt;
    if (y < 1970 || !c.years.test(static_cast<std::size_t>(y - 1970)) || !c.months.test(static_cast<std::size_t>(m)) ||
        !day_matches(c, y, m, d)) {
      continue;
    }
    for (int minute_of_day = first_minute_of_day; minute_of_day < 1440; ++minute_of_day) {
      if (c.hours.test(static_cast<std::size_t>(minute_of_day / 60)) && c.minutes.test(static_cast<std::size_t>(minute_of_day % 60))) {
        return day * 86400 + minute_of_day * 60;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

Result<ScheduleExpression> parse_schedule_expression(std::string_view text) {
  ScheduleExpression e;
  const auto open = text.find('(');
  if (open == std::string_view::npos || text.back() != ')') return invalid("expected cron(...), rate(...) or at(...)");
  const std::string_view kind = text.substr(0, open);
  const std::string_view body = text.substr(open + 1, text.size() - open - 2);
  if (kind == "cron") {
    e.kind = ScheduleExpression::Kind::cron;
    BERTH_ASSIGN(e.cron, parse_cron(body));
    return e;
  }
  if (kind == "rate") {
    e.kind = ScheduleExpression::Kind::rate;
    const auto parts = split(body, ' ');
    const auto n = parts.size() == 2 ? number(parts[0]) : std::nullopt;
    if (!n || *n < 1) return invalid("rate takes a positive whole number and a unit, e.g. rate(5 minutes)");
    const std::string_view unit = parts[1];
    const bool one = *n == 1;
    std::int64_t seconds = 0;
    if (unit == (one ? "minute" : "minutes")) seconds = 60;
    else if (unit == (one ? "hour" : "hours")) seconds = 3600;
    else if (unit == (one ? "day" : "days")) seconds = 86400;
    else return invalid("rate unit must be " + std::string(one ? "minute, hour or day" : "minutes, hours or days"));
    e.rate_seconds = *n * seconds;
    return e;
  }
  if (kind == "at") {
    e.kind = ScheduleExpression::Kind::at;
    int y, mo, d, h, mi, s;
    char tail = 0;
    const std::string copy(body);
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail) != 6 ||
        mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) {
      return invalid("at takes yyyy-mm-ddThh:mm:ss");
    }
    e.at = utc_seconds(y, mo, d, h, mi, s);
    return e;
  }
  return invalid("expected cron(...), rate(...) or at(...)");
}

std::optional<std::int64_t> next_fire(const ScheduleExpression& e, std::int64_t after, std::int64_t anchor,
                                      const TimeZone& zone) {
  switch (e.kind) {
    case ScheduleExpression::Kind::at: {
      const auto instants = zone.instants_of_local(e.at);
      const std::int64_t when = instants.empty() ? e.at - zone.offset_at(e.at - 86400) : instants.front();
      return when > after ? std::optional<std::int64_t>(when) : std::nullopt;
    }
    case ScheduleExpression::Kind::rate: {
      if (after < anchor) return anchor + e.rate_seconds;
      const std::int64_t periods = (after - anchor) / e.rate_seconds + 1;
      return anchor + periods * e.rate_seconds;
    }
    case ScheduleExpression::Kind::cron: {
      std::int64_t local = after + zone.offset_at(after);
      // Each skipped candidate is a minute in a gap or an already-fired repeat: a few hundred
      // at most, so the bound only guards against a corrupt zone.
      for (int candidates = 0; candidates < 10000; ++candidates) {
        const auto next_local = next_cron(e.cron, local);
        if (!next_local) return std::nullopt;
        const auto instants = zone.instants_of_local(*next_local);
        if (!instants.empty() && instants.front() > after) return instants.front();
        local = *next_local;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace berth::sched
