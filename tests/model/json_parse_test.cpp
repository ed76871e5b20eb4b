#include "model/json_parse.hpp"

#include <catch2/catch.hpp>

#include "model/request_shapes.hpp"

namespace json_parse_test {

using namespace berth;
using namespace berth::model;

namespace {
std::string nested(std::size_t depth, char open, char close, const std::string& inside = "") {
  return std::string(depth, open) + inside + std::string(depth, close);
}
}  // namespace

TEST_CASE("parse_json: nesting up to the bound parses, one level more is a SerializationException", "[model]") {
  for (const auto& [open, close] : {std::pair{'[', ']'}, std::pair{'{', '}'}}) {
    // Objects nest through a key: {"a":{"a":{}}} is three levels.
    const auto text = [open, close](std::size_t depth) {
      if (open == '[') return nested(depth, '[', ']');
      std::string s;
      for (std::size_t i = 1; i < depth; ++i) s += "{\"a\":";
      return s + "{}" + std::string(depth - 1, '}');
    };
    auto at_limit = parse_json(text(k_max_json_depth), "body");
    REQUIRE(at_limit.has_value());
    CHECK(at_limit->dump() == text(k_max_json_depth));
    auto above = parse_json(text(k_max_json_depth + 1), "The request body");
    REQUIRE_FALSE(above.has_value());
    CHECK(above.error().code == Code::serialization);
    CHECK(above.error().message == "The request body is nested more than 64 levels deep.");
    (void)close;
  }
}

TEST_CASE("parse_json: objects and arrays count alike; brackets inside strings do not count", "[model]") {
  std::string mixed;
  for (std::size_t i = 0; i < k_max_json_depth / 2; ++i) mixed += "[{\"k\":";
  mixed += "1";
  for (std::size_t i = 0; i < k_max_json_depth / 2; ++i) mixed += "}]";
  CHECK(parse_json(mixed, "x").has_value());
  CHECK_FALSE(parse_json("[" + mixed + "]", "x").has_value());

  const std::string brackets = nested(100000, '[', ']');
  auto in_string = parse_json(R"({"a":")" + brackets + R"(","b":"{{{{\"[[["})", "x");
  REQUIRE(in_string.has_value());
  CHECK((*in_string)["a"] == brackets);
}

TEST_CASE("parse_json: malformed text is not valid JSON; scalars and an explicit bound work", "[model]") {
  CHECK(parse_json(R"({"a":)", "The request body").error().message == "The request body is not valid JSON.");
  CHECK(parse_json("[1] [2]", "x").error().code == Code::serialization);
  CHECK(parse_json("", "x").error().code == Code::serialization);
  CHECK(parse_json("\"\xff\"", "x").error().code == Code::serialization);
  CHECK(parse_json(nested(75000, '[', ']').substr(0, 75000), "x").error().message == "x is nested more than 64 levels deep.");
  CHECK(*parse_json("42", "x") == 42);
  CHECK(parse_json("[[1]]", "x", 2).has_value());
  CHECK(parse_json("[[[1]]]", "x", 2).error().message == "x is nested more than 2 levels deep.");
  CHECK(parse_json("{\"a\":1,\"a\":2}", "x")->at("a") == 2);
}

TEST_CASE("decode_request_body: a 75,000-level body is a SerializationException, not a crash", "[model]") {
  const Shape& shape = request_shapes::create_service;
  const std::string deep = R"({"serviceName":"s","deploymentConfiguration":{"alarms":)" + nested(75000, '[', ']') + "}}";
  auto decoded = decode_request_body(deep, shape);
  REQUIRE_FALSE(decoded.has_value());
  CHECK(decoded.error().code == Code::serialization);
  // At the bound the free-form member is accepted and its value kept whole.
  const std::string ok = R"({"serviceName":"s","deploymentConfiguration":{"alarms":)" + nested(62, '[', ']') + "}}";
  auto accepted = decode_request_body(ok, shape);
  REQUIRE(accepted.has_value());
  CHECK((*accepted)["deploymentConfiguration"]["alarms"].dump() == nested(62, '[', ']'));
  CHECK(decode_request_body("", request_shapes::list_clusters)->empty());
}

}  // namespace json_parse_test
