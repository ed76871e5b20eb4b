#include "model/log_line_start.hpp"

#include <array>
#include <cctype>

#include "common/tame_regex.hpp"

namespace berth::model {
namespace {

constexpr std::size_t k_searched_prefix = 256;
constexpr int k_max_open_repetitions = 2;

constexpr std::array<std::string_view, 7> k_days = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> k_long_days = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                                         "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 12> k_long_months = {"January", "February", "March",     "April",
                                                            "May",     "June",     "July",      "August",
                                                            "September", "October", "November", "December"};

// The directives Docker's awslogs driver converts (its strftime-to-regexp table).
constexpr std::string_view k_directives = "aAbBdfHIjLmMpSyYzZ";

template <std::size_t N>
std::size_t match_name(std::string_view text, const std::array<std::string_view, N>& names) {
  for (const auto name : names) {
    if (text.starts_with(name)) return name.size();
  }
  return 0;
}

// Matches `count` digits whose value lies in [low, high]; returns how many characters, 0 if not.
std::size_t match_number(std::string_view text, std::size_t count, int low, int high) {
  if (text.size() < count) return 0;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return 0;
    value = value * 10 + (text[i] - '0');
  }
  return value >= low && value <= high ? count : 0;
}

// How many characters of `text` the directive takes (0: no match).
std::size_t match_directive(char directive, std::string_view text) {
  switch (directive) {
    case 'a': return match_name(text, k_days);
    case 'A': return match_name(text, k_long_days);
    case 'b': return match_name(text, k_months);
    case 'B': return match_name(text, k_long_months);
    case 'd': return match_number(text, 2, 1, 31);
    case 'f': return match_number(text, 6, 0, 999999);
    case 'H': return match_number(text, 2, 0, 23);
    case 'I': return match_number(text, 2, 0, 12);
    case 'j': return match_number(text, 3, 1, 366);
    case 'L': return text.starts_with('.') && match_number(text.substr(1), 3, 0, 999) ? 4 : 0;
    case 'm': return match_number(text, 2, 1, 12);
    case 'M': return match_number(text, 2, 0, 59);
    case 'p': return text.starts_with("AM") || text.starts_with("PM") ? 2 : 0;
    case 'S': return match_number(text, 2, 0, 60);
    case 'y': return match_number(text, 2, 0, 99);
    case 'Y': return match_number(text, 4, 0, 9999);
    case 'z':
      return text.size() >= 5 && (text[0] == '+' || text[0] == '-') && match_number(text.substr(1), 4, 0, 9999) ? 5 : 0;
    case 'Z': {
      // Docker's [A-Z]{1,4}T
      std::size_t n = 0;
      while (n < text.size() && n < 5 && std::isupper(static_cast<unsigned char>(text[n]))) ++n;
      while (n > 1 && text[n - 1] != 'T') --n;
      return n >= 2 && text[n - 1] == 'T' ? n : 0;
    }
    default: return 0;
  }
}

}  // namespace

Result<LineStartMatcher> LineStartMatcher::datetime(std::string_view format) {
  LineStartMatcher out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      if (out.m_pieces.empty() || out.m_pieces.back().directive != 0) out.m_pieces.push_back({});
      out.m_pieces.back().literal += format[i];
      continue;
    }
    if (++i == format.size()) return fail(Code::client, "awslogs-datetime-format ends with a lone '%'.");
    if (format[i] == '%') {
      if (out.m_pieces.empty() || out.m_pieces.back().directive != 0) out.m_pieces.push_back({});
      out.m_pieces.back().literal += '%';
    } else if (k_directives.find(format[i]) != std::string_view::npos) {
      out.m_pieces.push_back({format[i], ""});
    } else {
      return fail(Code::client, std::string("awslogs-datetime-format: %") + format[i] +
                                    " is not a directive Docker's awslogs driver knows (%a %A %b %B %d %f %H %I %j %L %m %M %p %S %y %Y %z %Z).");
    }
  }
  return out;
}

Result<LineStartMatcher> LineStartMatcher::pattern(std::string_view pattern) {
  if (auto rule = untamed_regex(pattern, k_max_open_repetitions)) {
    return fail(Code::client, "awslogs-multiline-pattern: " + *rule);
  }
  LineStartMatcher out;
  try {
    out.m_regex = std::make_shared<const std::regex>(std::string(pattern), std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return fail(Code::client, "awslogs-multiline-pattern is not a valid regular expression.");
  }
  return out;
}

bool LineStartMatcher::starts_event(std::string_view line) const {
  if (m_regex) {
    const std::string_view head = line.substr(0, k_searched_prefix);
    return std::regex_search(head.begin(), head.end(), *m_regex);
  }
  std::size_t at = 0;
  for (const auto& piece : m_pieces) {
    if (piece.directive == 0) {
      if (!line.substr(at).starts_with(piece.literal)) return false;
      at += piece.literal.size();
    } else {
      const std::size_t taken = match_directive(piece.directive, line.substr(at));
      if (taken == 0) return false;
      at += taken;
    }
  }
  return true;
}

}  // namespace berth::model
