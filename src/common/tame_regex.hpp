// Which regular expressions from outside (a placement constraint's `=~`, a log driver's
// awslogs-multiline-pattern) std::regex may compile and run. libstdc++'s ECMAScript engine
// backtracks, and its compiler reads counts and backreference numbers into a long that overflows:
// a pattern is refused if it holds a group or a backreference, a count over 100, a repetition of
// a repetition ("[a]**b" nests them, and its search takes exponential time), or more open-ended
// repetitions (*, +, ?, {n,}, {n,m}) than the caller allows (each multiplies the ways a match may
// be tried; a fixed {n} does not). One '?' after a repetition makes it lazy and is no repetition. Escapes are read as libstdc++ reads them, in brackets
// too ("\cX" takes any X, a backslash included). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth {

inline constexpr int k_max_regex_count = 100;

// The rule `pattern` breaks ("berth takes no groups (parentheses)."), for an error message that
// names the pattern first; nothing if it is tame.
[[nodiscard]] std::optional<std::string> untamed_regex(std::string_view pattern, int max_open_repetitions);

}  // namespace berth
