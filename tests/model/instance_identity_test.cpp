// Reading an EC2 instance identity document.
#include "model/instance_identity.hpp"

#include <catch2/catch.hpp>

namespace instance_identity_test {

using namespace berth;

TEST_CASE("Instance identity: the instance id and the attributes ECS derives", "[model][instance]") {
  const auto identity = model::parse_instance_identity(
      R"({"instanceId":"i-0abc1234","instanceType":"m5.large","availabilityZone":"us-east-1b","imageId":"ami-1",)"
      R"("architecture":"x86_64","privateIp":"10.0.0.1","version":"2017-09-30"})");
  REQUIRE(identity.has_value());
  CHECK(identity->instance_id == "i-0abc1234");
  CHECK(identity->attributes == std::map<std::string, std::string>{{"ecs.ami-id", "ami-1"},
                                                                  {"ecs.availability-zone", "us-east-1b"},
                                                                  {"ecs.cpu-architecture", "x86_64"},
                                                                  {"ecs.instance-type", "m5.large"}});
  const auto managed = model::parse_instance_identity(R"({"instanceId":"mi-0123456789abcdef0"})");
  REQUIRE(managed.has_value());
  CHECK(managed->attributes.empty());
}

TEST_CASE("Instance identity: what is not a document is refused", "[model][instance]") {
  for (const char* bad : {"", "not json", "[]", "{}", R"({"instanceId":"i-12"})", R"({"instanceId":"i-0ABC1234"})",
                          R"({"instanceId":"x-0abc1234"})", R"({"instanceId":7})",
                          R"({"instanceId":"i-0abc1234","instanceType":5})", R"({"instanceId":"i-0abc1234","imageId":""})",
                          R"({"instanceId":"i-0abc1234","a":{"b":{"c":{"d":{}}}}})"}) {
    INFO(bad);
    const auto parsed = model::parse_instance_identity(bad);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == Code::invalid_parameter);
    CHECK(parsed.error().message.starts_with("instanceIdentityDocument is not an EC2 instance identity document"));
  }
}

}  // namespace instance_identity_test
