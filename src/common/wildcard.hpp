// Wildcard matching, as IAM policies (actions, resources) and CloudWatch Logs filter patterns
// (JSON string values) use it: '*' stands for any run of characters (none too) and, where the
// caller allows it, '?' for exactly one. Greedy with one backtrack point (the last '*'): linear
// in practice, O(n·m) at worst, no recursion. Pure; thread-safe.
#pragma once

#include <string_view>

namespace berth {

enum class Case { sensitive, insensitive };  // insensitive: ASCII letters only
enum class Wildcards { star, star_and_question };

// Returns whether `pattern` matches the whole of `text`.
bool wildcard_match(std::string_view pattern, std::string_view text, Case letter_case,
                    Wildcards wildcards = Wildcards::star_and_question);

}  // namespace berth
