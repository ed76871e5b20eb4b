#include "common/tame_regex.hpp"

namespace berth {

std::optional<std::string> untamed_regex(std::string_view pattern, int max_open_repetitions) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  // Past the escape starting at `i` (a backslash): "\cX" is three characters, others two.
  const auto skip_escape = [&](std::size_t& i) {
    if (++i < pattern.size() && pattern[i] == 'c') ++i;
  };
  int open = 0;
  // What the last token was: a repetition may follow an atom only, and one '?' after a
  // repetition makes it lazy.
  enum class Last { atom, repetition, lazy_repetition } last = Last::atom;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    const bool repeats = c == '*' || c == '+' || c == '?' || c == '{';
    if (repeats && last == Last::repetition && c == '?') {
      last = Last::lazy_repetition;
      continue;
    }
    if (repeats && last != Last::atom) return "a repetition may not repeat another (a** or a{2}+).";
    last = repeats ? Last::repetition : Last::atom;
    if (c == '\\') {
      if (i + 1 < pattern.size() && is_digit(pattern[i + 1])) return "berth takes no backreferences (\\1...).";
      skip_escape(i);
    } else if (c == '[') {
      for (++i; i < pattern.size() && pattern[i] != ']'; ++i) {
        if (pattern[i] == '\\') skip_escape(i);
      }
    } else if (c == '(' || c == ')') {
      return "berth takes no groups (parentheses).";
    } else if (c == '*' || c == '+' || c == '?') {
      ++open;
    } else if (c == '{') {
      int count = 0;
      bool range = false;
      for (++i; i < pattern.size() && pattern[i] != '}'; ++i) {
        if (pattern[i] == ',') {
          range = true;
          count = 0;
        } else if (is_digit(pattern[i])) {
          count = count * 10 + (pattern[i] - '0');
          if (count > k_max_regex_count) return "repetition counts are at most " + std::to_string(k_max_regex_count) + ".";
        } else {
          return "a repetition {...} holds digits and a comma only.";
        }
      }
      if (range) ++open;
    }
    if (open > max_open_repetitions) {
      return "at most " + std::to_string(max_open_repetitions) + " open-ended repetitions (*, +, ?, {n,}, {n,m}).";
    }
  }
  return std::nullopt;
}

}  // namespace berth
