#include "common/arn.hpp"

#include <catch2/catch.hpp>

#include "common/base64.hpp"
#include "common/ids.hpp"

namespace arn_test {

using namespace berth;

TEST_CASE("ARNs are built in the long format", "[common]") {
  ArnScope arns{"eu-west-1", "123456789012"};
  CHECK(arns.cluster("default") == "arn:aws:ecs:eu-west-1:123456789012:cluster/default");
  CHECK(arns.task_definition("web", 3) == "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3");
  CHECK(arns.task("c", "abc") == "arn:aws:ecs:eu-west-1:123456789012:task/c/abc");
  CHECK(arns.container_instance("c", "i1") ==
        "arn:aws:ecs:eu-west-1:123456789012:container-instance/c/i1");
}

TEST_CASE("ARNs parse back; other services and shapes do not", "[common]") {
  auto arn = parse_ecs_arn("arn:aws:ecs:local:000000000000:task-definition/web:3");
  REQUIRE(arn.has_value());
  CHECK(arn->resource_type == "task-definition");
  CHECK(arn->resource == "web:3");
  CHECK(arn->region == "local");
  CHECK_FALSE(parse_ecs_arn("arn:aws:s3:::bucket/key").has_value());
  CHECK_FALSE(parse_ecs_arn("arn:aws:ecs:local:0:cluster").has_value());
  CHECK_FALSE(parse_ecs_arn("arn:aws:ecs:local:0:cluster/").has_value());
  CHECK_FALSE(parse_ecs_arn("default").has_value());
}

TEST_CASE("base64 round-trips and rejects non-canonical text", "[common]") {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    auto decoded = base64_decode(base64_encode(s));
    REQUIRE(decoded.has_value());
    CHECK(*decoded == s);
  }
  CHECK(base64_encode("abc") == "YWJj");
  CHECK_FALSE(base64_decode("YWJ").has_value());
  CHECK_FALSE(base64_decode("YW=j").has_value());
  CHECK_FALSE(base64_decode("!!!!").has_value());
}

TEST_CASE("ids are random hex and RFC 4122 v4 UUIDs", "[common]") {
  const auto a = random_hex(16), b = random_hex(16);
  CHECK(a.size() == 32);
  CHECK(a != b);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  const auto uuid = random_uuid();
  REQUIRE(uuid.size() == 36);
  CHECK(uuid[14] == '4');
  CHECK(std::string("89ab").find(uuid[19]) != std::string::npos);
}

}  // namespace arn_test
