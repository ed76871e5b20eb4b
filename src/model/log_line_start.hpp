// Where a multi-line log event starts, as Docker's awslogs driver decides it: a line that begins
// with a time in `awslogs-datetime-format` (strftime directives), or that matches
// `awslogs-multiline-pattern` (a regular expression); the lines after it, up to the next such
// line, belong to its event. The datetime form is matched directly (no regular expression); a
// pattern must be tame for std::regex, which backtracks on container output: no groups, no
// backreferences, at most two open-ended repetitions (*, +, ?, {n,}, {n,m}; {n} is free), counts at
// most 100, and it is searched in a line's first 256 bytes only. Immutable; thread-safe.
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace berth::model {

class LineStartMatcher {
 public:
  // ClientException naming the directive or rule the text breaks.
  [[nodiscard]] static Result<LineStartMatcher> datetime(std::string_view format);
  [[nodiscard]] static Result<LineStartMatcher> pattern(std::string_view pattern);

  // Whether `line` starts a new event.
  bool starts_event(std::string_view line) const;

  struct Piece {
    char directive = 0;   // 0: `literal` must follow
    std::string literal;
  };

 private:
  std::vector<Piece> m_pieces;                 // datetime
  std::shared_ptr<const std::regex> m_regex;   // pattern
};

}  // namespace berth::model
