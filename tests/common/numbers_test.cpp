#include "common/numbers.hpp"

#include <catch2/catch.hpp>

#include <cstdint>

namespace numbers_test {

using namespace berth;

TEST_CASE("parse_integer takes the whole text or nothing", "[common]") {
  CHECK(parse_integer<int>("42") == 42);
  CHECK(parse_integer<int>("-7") == -7);
  CHECK_FALSE(parse_integer<unsigned>("-7"));
  CHECK_FALSE(parse_integer<int>(""));
  CHECK_FALSE(parse_integer<int>("+1"));
  CHECK_FALSE(parse_integer<int>(" 1"));
  CHECK_FALSE(parse_integer<int>("1 "));
  CHECK_FALSE(parse_integer<int>("12abc"));
  CHECK_FALSE(parse_integer<std::uint32_t>("4294967296"));
  CHECK(parse_integer<std::uint32_t>("4294967295") == 4294967295u);
  CHECK_FALSE(parse_integer<long long>("99999999999999999999"));
  CHECK(parse_integer<int>("ff", 16) == 255);
}

TEST_CASE("parse_integer_in bounds the value", "[common]") {
  CHECK(parse_integer_in<int>("65535", 0, 65535) == 65535);
  CHECK_FALSE(parse_integer_in<int>("65536", 0, 65535));
  CHECK_FALSE(parse_integer_in<int>("-1", 0, 65535));
}

TEST_CASE("parse_leading_integer reads the digits before other text", "[common]") {
  const auto n = parse_leading_integer<long long>("12 rest");
  REQUIRE(n);
  CHECK(n->value == 12);
  CHECK(n->length == 2);
  CHECK_FALSE(parse_leading_integer<long long>("x12"));
  CHECK_FALSE(parse_leading_integer<long long>("99999999999999999999 x"));
}

TEST_CASE("trim drops white space at both ends only", "[common]") {
  CHECK(trim(" 12\n") == "12");
  CHECK(trim("\t\r\n ") == "");
  CHECK(trim("a b") == "a b");
}

}  // namespace numbers_test
