#include "model/capacity_provider.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"

namespace capacity_provider_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

namespace {

const ArnScope k_arns{"local", "000000000000"};
const std::string k_group = "arn:aws:autoscaling:local:000000000000:autoScalingGroup:1a2b:autoScalingGroupName/edge";

}  // namespace

TEST_CASE("Capacity provider names: ECS's characters, no aws/ecs/fargate prefix", "[model][capacity]") {
  CHECK(check_capacity_provider_name("edge-pool_1").has_value());
  CHECK(check_capacity_provider_name(std::string(255, 'a')).has_value());
  const std::string bad_chars = "The capacity provider name must be 1 to 255 letters, numbers, underscores (_) and "
                                "hyphens (-).";
  check_error(check_capacity_provider_name(""), Code::client, bad_chars);
  check_error(check_capacity_provider_name(std::string(256, 'a')), Code::client, bad_chars);
  check_error(check_capacity_provider_name("edge pool"), Code::client, bad_chars);
  for (const char* reserved : {"aws-pool", "ECSpool", "Fargate2", "FARGATE"}) {
    INFO(reserved);
    check_error(check_capacity_provider_name(reserved), Code::client,
                "The capacity provider name cannot start with 'aws', 'ecs' or 'fargate'.");
  }
  CHECK(is_fargate_provider("FARGATE"));
  CHECK(is_fargate_provider("FARGATE_SPOT"));
  CHECK_FALSE(is_fargate_provider("fargate"));
  CHECK_FALSE(is_fargate_provider("edge"));
}

TEST_CASE("autoScalingGroupProvider: ECS's defaults and checks", "[model][capacity]") {
  auto plain = normalize_auto_scaling_group_provider(Json{{"autoScalingGroupArn", k_group}});
  REQUIRE(plain.has_value());
  CHECK(*plain == Json::parse(R"({"autoScalingGroupArn":")" + k_group + R"(","managedDraining":"ENABLED",
      "managedScaling":{"instanceWarmupPeriod":300,"maximumScalingStepSize":10000,"minimumScalingStepSize":1,
      "status":"DISABLED","targetCapacity":100},"managedTerminationProtection":"DISABLED"})"));
  // A group name is accepted as ECS accepts one.
  CHECK(normalize_auto_scaling_group_provider(Json{{"autoScalingGroupArn", "edge-asg"}}).has_value());
  const std::string bad_arn = "autoScalingGroupProvider.autoScalingGroupArn must be an Auto Scaling group ARN or name.";
  check_error(normalize_auto_scaling_group_provider(Json::object()), Code::invalid_parameter, bad_arn);
  check_error(normalize_auto_scaling_group_provider(Json{{"autoScalingGroupArn", "arn:aws:ecs:local:0:cluster/x"}}),
              Code::invalid_parameter, bad_arn);
  check_error(normalize_auto_scaling_group_provider(Json::parse(R"({"autoScalingGroupArn":"g",
                  "managedScaling":{"minimumScalingStepSize":5,"maximumScalingStepSize":2}})")),
              Code::client,
              "The managed scaling minimumScalingStepSize must be less than or equal to its maximumScalingStepSize.");
  check_error(normalize_auto_scaling_group_provider(Json::parse(R"({"autoScalingGroupArn":"g",
                  "managedTerminationProtection":"ENABLED"})")),
              Code::client, "Managed termination protection requires managed scaling to be enabled.");
  CHECK(normalize_auto_scaling_group_provider(Json::parse(R"({"autoScalingGroupArn":"g",
            "managedTerminationProtection":"ENABLED","managedScaling":{"status":"ENABLED"}})")).has_value());
}

TEST_CASE("autoScalingGroupProvider updates keep what is not given", "[model][capacity]") {
  auto stored = normalize_auto_scaling_group_provider(Json{{"autoScalingGroupArn", k_group}});
  REQUIRE(stored.has_value());
  auto updated = updated_auto_scaling_group_provider(
      *stored, Json::parse(R"({"managedScaling":{"status":"ENABLED","targetCapacity":80},"managedDraining":"DISABLED"})"));
  REQUIRE(updated.has_value());
  CHECK((*updated)["autoScalingGroupArn"] == k_group);
  CHECK((*updated)["managedScaling"]["status"] == "ENABLED");
  CHECK((*updated)["managedScaling"]["targetCapacity"] == 80);
  CHECK((*updated)["managedScaling"]["instanceWarmupPeriod"] == 300);
  CHECK((*updated)["managedDraining"] == "DISABLED");
  check_error(updated_auto_scaling_group_provider(*stored, Json{{"managedTerminationProtection", "ENABLED"}}),
              Code::client, "Managed termination protection requires managed scaling to be enabled.");
  check_error(updated_auto_scaling_group_provider(*stored, Json::parse(R"({"managedScaling":{"maximumScalingStepSize":0}})")),
              Code::client,
              "The managed scaling minimumScalingStepSize must be less than or equal to its maximumScalingStepSize.");
}

TEST_CASE("Capacity providers: record round trip, wire shape, ARNs", "[model][capacity]") {
  CapacityProvider p;
  p.name = "edge";
  p.auto_scaling_group_provider = Json{{"autoScalingGroupArn", "g"}};
  p.update_status = "UPDATE_COMPLETE";
  p.created_at = 1700000000000;
  auto back = capacity_provider_from_record(capacity_provider_to_record(p));
  REQUIRE(back.has_value());
  CHECK(back->name == "edge");
  CHECK(back->auto_scaling_group_provider == p.auto_scaling_group_provider);
  CHECK(back->update_status == "UPDATE_COMPLETE");
  CHECK(back->created_at == p.created_at);
  check_error(capacity_provider_from_record(Json::array()), Code::client, "not a capacity provider record");
  check_error(capacity_provider_from_record(Json{{"name", 3}}), Code::client, "not a capacity provider record");

  const std::vector<Tag> tags{{"site", "north"}};
  CHECK(capacity_provider_to_json(p, k_arns, &tags).dump() ==
        R"({"autoScalingGroupProvider":{"autoScalingGroupArn":"g"},)"
        R"("capacityProviderArn":"arn:aws:ecs:local:000000000000:capacity-provider/edge","name":"edge",)"
        R"("status":"ACTIVE","tags":[{"key":"site","value":"north"}],"type":"EC2_AUTOSCALING",)"
        R"("updateStatus":"UPDATE_COMPLETE"})");
  p.status = CapacityProviderStatus::inactive;
  p.update_status = "DELETE_COMPLETE";
  CHECK(capacity_provider_to_json(p, k_arns, nullptr)["status"] == "INACTIVE");
  CHECK(fargate_provider_to_json("FARGATE_SPOT", k_arns, nullptr).dump() ==
        R"({"capacityProviderArn":"arn:aws:ecs:local:000000000000:capacity-provider/FARGATE_SPOT",)"
        R"("name":"FARGATE_SPOT","status":"ACTIVE","type":"FARGATE_SPOT"})");
  CHECK(fargate_provider_to_json("FARGATE", k_arns, &tags)["tags"] == Json::array());

  CHECK(capacity_provider_name_of(k_arns, "edge") == "edge");
  CHECK(capacity_provider_name_of(k_arns, "arn:aws:ecs:local:000000000000:capacity-provider/edge") == "edge");
  CHECK_FALSE(capacity_provider_name_of(k_arns, "arn:aws:ecs:local:111111111111:capacity-provider/edge"));
  CHECK_FALSE(capacity_provider_name_of(k_arns, "arn:aws:ecs:local:000000000000:cluster/edge"));
  CHECK_FALSE(capacity_provider_name_of(k_arns, "arn:bogus"));
}

}  // namespace capacity_provider_test
