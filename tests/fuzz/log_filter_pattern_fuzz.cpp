// Fuzz harness: CloudWatch Logs filter patterns (FilterLogEvents' filterPattern) and awslogs'
// multi-line start rules. The input's first line is the pattern, the rest a log message: any
// pattern must parse or fail with an error, and a parsed one must match any message without
// crashing (a JSON pattern parses the message with the depth-bounded parser); the same line as
// an awslogs-datetime-format and an awslogs-multiline-pattern.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/log_filter_pattern.hpp"
#include "model/log_line_start.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto newline = text.find('\n');
  const std::string_view pattern = text.substr(0, newline);
  const std::string_view message = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  if (auto parsed = berth::model::FilterPattern::parse(pattern)) (void)parsed->matches(message);
  if (auto start = berth::model::LineStartMatcher::datetime(pattern)) (void)start->starts_event(message);
  if (auto start = berth::model::LineStartMatcher::pattern(pattern)) (void)start->starts_event(message);
  return 0;
}
