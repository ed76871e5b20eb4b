// CloudWatch Logs filter patterns, as FilterLogEvents takes them: text patterns (terms that must
// all appear, "quoted phrases", ?alternatives of which one must appear, -terms that must not) and
// JSON patterns ({ $.level = "error" && ($.latency > 100 || $.user.id != "adm*") }, with =, !=,
// <, <=, >, >=, IS NULL, IS TRUE, IS FALSE, NOT EXISTS; * is a wildcard in string values).
// Matching is case-sensitive, as CloudWatch's. Space-delimited ([a, b]) and regular-expression
// (%...%) patterns are refused. Immutable once parsed; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// CloudWatch's limit on a filter pattern's length.
inline constexpr std::size_t k_max_filter_pattern = 1024;

class FilterPattern {
 public:
  // Returns the pattern parsed, or InvalidParameterException "Invalid filter pattern: <why>".
  // An empty (or blank) pattern matches every event.
  [[nodiscard]] static Result<FilterPattern> parse(std::string_view text);

  // Whether `message` matches. A JSON pattern matches only a message that is a JSON object.
  bool matches(std::string_view message) const;

  struct Term {
    enum class Kind { required, alternative, excluded };
    Kind kind = Kind::required;
    std::string text;
  };
  struct Node;  // of a JSON pattern

 private:
  std::vector<Term> m_terms;           // a text pattern
  std::shared_ptr<const Node> m_json;  // a JSON pattern (null for a text pattern)
};

}  // namespace berth::model
