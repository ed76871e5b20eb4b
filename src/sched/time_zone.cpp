#include "sched/time_zone.hpp"

#include <algorithm>
#include <cctype>

#include "common/civil_time.hpp"

namespace berth::sched {
namespace {

std::unexpected<Error> bad_zone(const std::string& why) { return fail(Code::invalid_parameter, "Invalid time zone data: " + why + "."); }

// A cursor over the TZif bytes; every read is bounds-checked.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : m_bytes(bytes) {}
  bool has(std::size_t n) const { return m_bytes.size() - m_at >= n; }
  std::int64_t big_endian(std::size_t width) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(m_bytes[m_at + i]);
    m_at += width;
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
  }
  unsigned char byte() { return static_cast<unsigned char>(m_bytes[m_at++]); }
  void skip(std::size_t n) { m_at += n; }
  std::string_view rest() const { return m_bytes.substr(m_at); }

 private:
  std::string_view m_bytes;
  std::size_t m_at = 0;
};

struct Header {
  char version = 0;
  std::int64_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
  std::size_t body_size(std::size_t time_width) const {
    return static_cast<std::size_t>(time * static_cast<std::int64_t>(time_width) + time + type * 6 + chars +
                                    leap * static_cast<std::int64_t>(time_width + 4) + isstd + isut);
  }
};

Result<Header> read_header(Reader& in) {
  if (!in.has(44) || in.rest().substr(0, 4) != "TZif") return bad_zone("not a TZif file");
  in.skip(4);
  Header h;
  h.version = static_cast<char>(in.byte());
  in.skip(15);
  for (auto* count : {&h.isut, &h.isstd, &h.leap, &h.time, &h.type, &h.chars}) *count = in.big_endian(4);
  if (h.type < 1 || h.type > 256 || h.time < 0 || h.time > 100000 || h.chars < 0 || h.leap < 0 || h.isut < 0 || h.isstd < 0) {
    return bad_zone("impossible counts in the header");
  }
  return h;
}

// "+hh[:mm[:ss]]" as seconds; POSIX signs are west-positive, the caller negates.
std::optional<int> parse_posix_time(std::string_view& s) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  int total = 0;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (s.empty() || s[0] != ':') break;
      s.remove_prefix(1);
    }
    int value = 0, digits = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0])) && digits < 3) {
      value = value * 10 + (s[0] - '0');
      s.remove_prefix(1);
      ++digits;
    }
    if (digits == 0 || (part == 0 && value > 167) || (part > 0 && value > 59)) return std::nullopt;
    total += value * (part == 0 ? 3600 : part == 1 ? 60 : 1);
  }
  return sign * total;
}

bool parse_zone_abbreviation(std::string_view& s) {
  if (!s.empty() && s[0] == '<') {
    const auto close = s.find('>');
    if (close == std::string_view::npos || close < 4) return false;
    s.remove_prefix(close + 1);
    return true;
  }
  std::size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  if (n < 3) return false;
  s.remove_prefix(n);
  return true;
}

std::optional<int> parse_number(std::string_view& s) {
  int value = 0, digits = 0;
  while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0])) && digits < 4) {
    value = value * 10 + (s[0] - '0');
    s.remove_prefix(1);
    ++digits;
  }
  return digits ? std::optional<int>(value) : std::nullopt;
}

std::optional<PosixZoneRule::Date> parse_rule_date(std::string_view& s) {
  PosixZoneRule::Date date;
  using Kind = PosixZoneRule::Date::Kind;
  if (!s.empty() && s[0] == 'M') {
    s.remove_prefix(1);
    const auto month = parse_number(s);
    if (!month || s.empty() || s[0] != '.') return std::nullopt;
    s.remove_prefix(1);
    const auto week = parse_number(s);
    if (!week || s.empty() || s[0] != '.') return std::nullopt;
    s.remove_prefix(1);
    const auto day = parse_number(s);
    if (!day || *month < 1 || *month > 12 || *week < 1 || *week > 5 || *day > 6) return std::nullopt;
    date = {Kind::month_week_day, *day, *month, *week};
  } else if (!s.empty() && s[0] == 'J') {
    s.remove_prefix(1);
    const auto day = parse_number(s);
    if (!day || *day < 1 || *day > 365) return std::nullopt;
    date = {Kind::julian_no_leap, *day};
  } else {
    const auto day = parse_number(s);
    if (!day || *day > 365) return std::nullopt;
    date = {Kind::zero_based, *day};
  }
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    const auto time = parse_posix_time(s);
    if (!time) return std::nullopt;
    date.time = *time;
  }
  return date;
}

// Local midnight (as seconds counted like UTC) of the day `date` names in `year`.
std::int64_t local_day_start(const PosixZoneRule::Date& date, int year) {
  using Kind = PosixZoneRule::Date::Kind;
  const std::int64_t jan1 = days_from_civil(year, 1, 1);
  std::int64_t day = 0;
  switch (date.kind) {
    case Kind::julian_no_leap: day = jan1 + date.day - 1 + (is_leap_year(year) && date.day >= 60 ? 1 : 0); break;
    case Kind::zero_based: day = jan1 + date.day; break;
    case Kind::month_week_day: {
      const std::int64_t first = days_from_civil(year, date.month, 1);
      day = first + (date.day - weekday_from_days(first) + 7) % 7 + (date.week - 1) * 7;
      const std::int64_t last = first + days_in_month(year, date.month) - 1;
      while (day > last) day -= 7;
      break;
    }
  }
  return day * 86400;
}

int rule_offset_at(const PosixZoneRule& rule, std::int64_t utc) {
  if (!rule.daylight_offset) return rule.standard_offset;
  const int year = civil_from_days(floor_div(utc + rule.standard_offset, 86400)).year;
  const std::int64_t start = local_day_start(rule.daylight_start, year) + rule.daylight_start.time - rule.standard_offset;
  const std::int64_t end = local_day_start(rule.daylight_end, year) + rule.daylight_end.time - *rule.daylight_offset;
  const bool daylight = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return daylight ? *rule.daylight_offset : rule.standard_offset;
}

Result<PosixZoneRule> parse_posix_rule(std::string_view s) {
  const std::string text(s);
  const auto bad = [&text] { return bad_zone("bad TZ rule '" + text + "'"); };
  PosixZoneRule rule;
  if (!parse_zone_abbreviation(s)) return bad();
  const auto standard = parse_posix_time(s);
  if (!standard) return bad();
  rule.standard_offset = -*standard;
  if (s.empty()) return rule;
  if (!parse_zone_abbreviation(s)) return bad();
  rule.daylight_offset = rule.standard_offset + 3600;
  if (!s.empty() && s[0] != ',') {
    const auto daylight = parse_posix_time(s);
    if (!daylight) return bad();
    rule.daylight_offset = -*daylight;
  }
  // No rule: POSIX leaves it to the implementation; the US rules are the usual default.
  rule.daylight_start = {PosixZoneRule::Date::Kind::month_week_day, 0, 3, 2};
  rule.daylight_end = {PosixZoneRule::Date::Kind::month_week_day, 0, 11, 1};
  if (s.empty()) return rule;
  if (s[0] != ',') return bad();
  s.remove_prefix(1);
  const auto start = parse_rule_date(s);
  if (!start || s.empty() || s[0] != ',') return bad();
  s.remove_prefix(1);
  const auto end = parse_rule_date(s);
  if (!end || !s.empty()) return bad();
  rule.daylight_start = *start;
  rule.daylight_end = *end;
  return rule;
}

}  // namespace

TimeZone TimeZone::utc() { return TimeZone{}; }

Result<TimeZone> TimeZone::from_posix(std::string_view rule) {
  TimeZone zone;
  BERTH_ASSIGN(zone.m_rule, parse_posix_rule(rule));
  zone.m_initial_offset = zone.m_rule->standard_offset;
  return zone;
}

Result<TimeZone> TimeZone::from_tzif(std::string_view bytes) {
  Reader in(bytes);
  BERTH_ASSIGN(auto header, read_header(in));
  std::size_t width = 4;
  if (header.version >= '2') {
    // Skip the 32-bit block; the 64-bit one after it covers all times.
    const std::size_t v1 = header.body_size(4);
    if (!in.has(v1)) return bad_zone("truncated");
    in.skip(v1);
    BERTH_ASSIGN(header, read_header(in));
    width = 8;
  }
  if (!in.has(header.body_size(width))) return bad_zone("truncated");
  TimeZone zone;
  std::vector<std::int64_t> times(static_cast<std::size_t>(header.time));
  for (auto& t : times) t = in.big_endian(width);
  std::vector<unsigned char> type_of(static_cast<std::size_t>(header.time));
  for (auto& index : type_of) index = in.byte();
  std::vector<int> type_offsets(static_cast<std::size_t>(header.type));
  for (auto& offset : type_offsets) {
    offset = static_cast<int>(in.big_endian(4));
    in.skip(2);  // isdst, abbreviation index: only the offset matters to a schedule
    if (offset < -89999 || offset > 93599) return bad_zone("offset out of range");
  }
  in.skip(header.body_size(width) - static_cast<std::size_t>(header.time) * (width + 1) - static_cast<std::size_t>(header.type) * 6);
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (type_of[i] >= type_offsets.size()) return bad_zone("transition names a missing type");
    if (i > 0 && times[i] <= times[i - 1]) return bad_zone("transitions out of order");
  }
  zone.m_transitions = std::move(times);
  for (auto index : type_of) zone.m_offsets.push_back(type_offsets[index]);
  zone.m_initial_offset = type_offsets[0];
  if (header.version >= '2') {
    const auto footer = in.rest();
    if (footer.size() < 2 || footer[0] != '\n') return bad_zone("missing footer");
    const auto end = footer.find('\n', 1);
    if (end == std::string_view::npos) return bad_zone("unterminated footer");
    if (end > 1) {
      BERTH_ASSIGN(zone.m_rule, parse_posix_rule(footer.substr(1, end - 1)));
    }
  }
  return zone;
}

int TimeZone::offset_at(std::int64_t utc_seconds) const {
  if (m_transitions.empty() || utc_seconds >= m_transitions.back()) {
    if (m_rule) return rule_offset_at(*m_rule, utc_seconds);
    return m_transitions.empty() ? m_initial_offset : m_offsets.back();
  }
  const auto after = std::upper_bound(m_transitions.begin(), m_transitions.end(), utc_seconds);
  if (after == m_transitions.begin()) return m_initial_offset;
  return m_offsets[static_cast<std::size_t>(after - m_transitions.begin() - 1)];
}

std::vector<std::int64_t> TimeZone::instants_of_local(std::int64_t local_seconds) const {
  // Zones change offset at most once within a day, so the offsets a day either side are the
  // only candidates; a candidate holds if the offset in force at that instant is itself.
  std::vector<std::int64_t> out;
  for (const int offset : {offset_at(local_seconds - 86400), offset_at(local_seconds + 86400)}) {
    const std::int64_t instant = local_seconds - offset;
    if (offset_at(instant) == offset && std::find(out.begin(), out.end(), instant) == out.end()) out.push_back(instant);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool is_valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 50) return false;
  std::size_t part_start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      const auto part = name.substr(part_start, i - part_start);
      if (part.empty() || part == "." || part == "..") return false;
      part_start = i + 1;
      continue;
    }
    const char c = name[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '+' && c != '.') return false;
  }
  return true;
}

}  // namespace berth::sched
