#include "model/scaling.hpp"

#include <catch2/catch.hpp>

namespace scaling_test {

using namespace berth;
using namespace berth::model;

namespace {
const ArnScope k_arns{"local", "000000000000"};
}

TEST_CASE("scaling model: service resource ids", "[model][scaling]") {
  CHECK(split_service_resource_id("service/default/web") == std::pair<std::string, std::string>{"default", "web"});
  for (const char* bad : {"", "service/", "service/default", "service/default/", "service//web", "service/a/b/c",
                          "cluster/default/web", "table/orders"}) {
    INFO(bad);
    CHECK_FALSE(split_service_resource_id(bad));
  }
}

TEST_CASE("scaling model: records round-trip, corrupt records are refused", "[model][scaling]") {
  ScalableTarget t;
  t.cluster = "plant";
  t.service = "web";
  t.min_capacity = 1;
  t.max_capacity = 5;
  t.suspended.dynamic_scaling_out = true;
  t.id = std::string(36, 'a');
  t.created_at = 1'700'000'000'000;
  t.memory.last_scale_out_at = 1'700'000'100'000;
  t.memory.scale_out_from = 2;
  t.memory.scale_out_failed = true;
  t.memory.pending_activity = "a1";
  t.memory.pending_desired = 4;
  t.version = 7;
  auto back = scalable_target_from_record(scalable_target_to_record(t));
  REQUIRE(back.has_value());
  CHECK(scalable_target_to_record(*back) == scalable_target_to_record(t));
  CHECK(back->resource_id() == "service/plant/web");
  CHECK_FALSE(back->memory.last_scale_in_at);

  ScheduledScalingAction a;
  a.resource_id = "service/plant/web";
  a.name = "night";
  a.id = "u";
  a.schedule = "cron(0 22 * * ? *)";
  a.time_zone = "Europe/Berlin";
  a.end_time = 1'800'000'000;
  a.max_capacity = 2;
  a.next_fire = 1'700'000'400;
  auto action = scheduled_action_from_record(scheduled_action_to_record(a));
  REQUIRE(action.has_value());
  CHECK(scheduled_action_to_record(*action) == scheduled_action_to_record(a));
  CHECK_FALSE(action->min_capacity);

  ScalingActivity activity;
  activity.id = "x";
  activity.resource_id = "service/plant/web";
  activity.description = "Setting desired count to 2.";
  activity.status_code = "InProgress";
  activity.start_time = 5;
  auto read = scaling_activity_from_record(scaling_activity_to_record(activity));
  REQUIRE(read.has_value());
  CHECK(scaling_activity_to_record(*read) == scaling_activity_to_record(activity));

  for (const Json& corrupt : {Json(), Json::array(), Json("text")}) {
    CHECK_FALSE(scalable_target_from_record(corrupt).has_value());
    CHECK_FALSE(scaling_policy_from_record(corrupt).has_value());
    CHECK_FALSE(scheduled_action_from_record(corrupt).has_value());
    CHECK_FALSE(scaling_activity_from_record(corrupt).has_value());
  }
}

TEST_CASE("scaling model: wire forms and ARNs as AWS writes them", "[model][scaling]") {
  ScalingPolicy p;
  p.resource_id = "service/plant/web";
  p.name = "cpu";
  p.id = "11111111-2222-3333-4444-555555555555";
  p.type = "StepScaling";
  p.configuration = {{"AdjustmentType", "ChangeInCapacity"}};
  p.created_at = 1500;
  CHECK(scaling_policy_arn(k_arns, p) ==
        "arn:aws:autoscaling:local:000000000000:scalingPolicy:11111111-2222-3333-4444-555555555555:"
        "resource/ecs/service/plant/web:policyName/cpu");
  const Json wire = scaling_policy_to_json(p, k_arns);
  CHECK(wire["StepScalingPolicyConfiguration"] == p.configuration);
  CHECK_FALSE(wire.contains("TargetTrackingScalingPolicyConfiguration"));
  CHECK(wire["CreationTime"] == 1.5);
  CHECK(wire["ServiceNamespace"] == "ecs");
  CHECK(wire["ScalableDimension"] == "ecs:service:DesiredCount");

  ScheduledScalingAction a;
  a.resource_id = "service/plant/web";
  a.name = "night";
  a.id = "u";
  a.min_capacity = 0;
  CHECK(scheduled_action_arn(k_arns, a) ==
        "arn:aws:autoscaling:local:000000000000:scheduledAction:u:resource/ecs/service/plant/web:scheduledActionName/night");
  CHECK(scheduled_action_to_json(a, k_arns)["ScalableTargetAction"] == Json{{"MinCapacity", 0}});

  ScalableTarget t;
  t.cluster = "plant";
  t.service = "web";
  t.id = "abc";
  CHECK(scalable_target_arn(k_arns, t) == "arn:aws:application-autoscaling:local:000000000000:scalable-target/abc");
  CHECK(scalable_target_to_json(t, k_arns)["RoleARN"].get<std::string>().ends_with(
      "AWSServiceRoleForApplicationAutoScaling_ECSService"));

  ScalingActivity done;
  done.id = "x";
  done.start_time = 1000;
  done.end_time = 3000;
  done.status_code = "Successful";
  const Json activity = scaling_activity_to_json(done);
  CHECK(activity["EndTime"] == 3.0);
  CHECK_FALSE(activity.contains("StatusMessage"));
}

}  // namespace scaling_test
