#include "common/tame_regex.hpp"

#include <catch2/catch.hpp>

namespace tame_regex_test {

using berth::untamed_regex;

TEST_CASE("tame regex: counts, groups and backreferences are refused", "[common]") {
  CHECK(untamed_regex("a{101}", 3)->find("at most 100") != std::string::npos);
  CHECK(untamed_regex("a{2,1000}", 3)->find("at most 100") != std::string::npos);
  CHECK(untamed_regex("a{6666666666666666666}", 3).has_value());
  CHECK(untamed_regex("a{x}", 3)->find("digits and a comma") != std::string::npos);
  CHECK(untamed_regex("(a)", 3)->find("group") != std::string::npos);
  CHECK(untamed_regex("a\\1", 3)->find("backreference") != std::string::npos);
}

TEST_CASE("tame regex: escapes are read as libstdc++ reads them", "[common]") {
  // \cX takes any X, a backslash too: the \ after it starts a backreference.
  CHECK(untamed_regex("\\c\\\\99999999999999999999", 3)->find("backreference") != std::string::npos);
  CHECK(untamed_regex("[\\c\\]\\9", 3)->find("backreference") != std::string::npos);
  // An escaped bracket or parenthesis is a character, not a group or a class.
  CHECK_FALSE(untamed_regex("\\(a\\)", 3).has_value());
  CHECK_FALSE(untamed_regex("[(]x", 3).has_value());
}

TEST_CASE("tame regex: open-ended repetitions are counted, fixed counts are free", "[common]") {
  CHECK_FALSE(untamed_regex("a*b+c?", 3).has_value());
  CHECK(untamed_regex("a*b+c?d*", 3)->find("at most 3") != std::string::npos);
  CHECK(untamed_regex("a*b{2,}c*", 2)->find("at most 2") != std::string::npos);
  CHECK_FALSE(untamed_regex("a{3}b{4}c{5}d{6}", 0).has_value());
  CHECK_FALSE(untamed_regex("^\\d{4}-\\d{2}-\\d{2} .*", 1).has_value());
}

TEST_CASE("tame regex: a repetition of a repetition is refused, a lazy one is not", "[common]") {
  // The fuzzer's find: "[a]**b" nests two stars, and libstdc++'s search of it took exponential
  // time (over 5 s on 200 characters).
  CHECK(untamed_regex("....**..S.^^^^^^", 3).value_or("").find("may not repeat another") != std::string::npos);
  CHECK(untamed_regex("[a]**b", 3).value_or("").find("may not repeat another") != std::string::npos);
  CHECK(untamed_regex("a{2}+", 3).value_or("").find("may not repeat another") != std::string::npos);
  CHECK(untamed_regex("a{3}{4}", 3).value_or("").find("may not repeat another") != std::string::npos);
  CHECK(untamed_regex("a*??", 3).value_or("").find("may not repeat another") != std::string::npos);
  // One '?' after a repetition makes it lazy: no repetition, and not counted as one.
  CHECK_FALSE(untamed_regex("a*?b+?c{2,3}?", 3).has_value());
  CHECK_FALSE(untamed_regex("a*?b", 1).has_value());
  // A repeated escape or class is one atom repeated.
  CHECK_FALSE(untamed_regex("\\d*[*]+\\**", 3).has_value());
}

}  // namespace tame_regex_test
