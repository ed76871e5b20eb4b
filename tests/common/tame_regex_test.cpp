#include "common/tame_regex.hpp"

#include <catch2/catch.hpp>

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
