// Application Auto Scaling's use cases and the scaling runner, on an in-memory store, a fake clock
// and a metric store fed directly (as the recorder would).
#include "svc/scaling.hpp"

#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "model/scaling_shapes.hpp"
#include "svc/metric_alarms.hpp"
#include "svc/scaling_runner.hpp"
#include "svc/service_scheduler.hpp"

namespace scaling_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

constexpr const char* k_web = "service/default/web";

// Tells the runner of a Put scheduled action, as the daemon does.
struct RunnerEvents final : svc::StateEvents {
  svc::ScalingRunner* runner = nullptr;
  void schedules_changed() override { runner->schedules_changed(); }
};

struct ScalingFixture : ServiceFixture {
  svc::MetricStore metrics{svc::MetricStoreLimits{1000, 120, 16}};
  svc::ScalingRunner runner{*ctx};
  RunnerEvents events;

  ScalingFixture() {
    ctx->metrics = &metrics;
    events.runner = &runner;
    ctx->events = &events;
    REQUIRE_OK(ecs_call(*ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
        {"name":"CPU","type":"INTEGER","integerValue":4096},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
    REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"web","networkMode":"host",
        "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
    REQUIRE_OK(ecs_call(*ctx, "CreateService",
                        Json::parse(R"({"serviceName":"web","taskDefinition":"web","desiredCount":1})")));
  }

  // Runs `action` as the API does: shape check, then the use case.
  Result<Json> call(std::string_view action, Json body) {
    const model::Shape* shape = model::find_scaling_request_shape(action);
    REQUIRE(shape != nullptr);
    BERTH_TRY(model::check_shape(body, *shape));
    const svc::ScalingUseCase use_case = svc::find_scaling_use_case(action);
    REQUIRE(use_case != nullptr);
    return use_case(*ctx, body);
  }

  static Json key(const std::string& resource_id = k_web) {
    return {{"ServiceNamespace", "ecs"}, {"ResourceId", resource_id}, {"ScalableDimension", "ecs:service:DesiredCount"}};
  }
  static Json with(Json base, const Json& extra) {
    base.update(extra);
    return base;
  }

  void register_target(int min, int max) {
    REQUIRE_OK(call("RegisterScalableTarget", with(key(), {{"MinCapacity", min}, {"MaxCapacity", max}})));
  }
  void put_cpu_policy(double target, Json extra = Json::object()) {
    Json configuration{{"TargetValue", target},
                       {"PredefinedMetricSpecification", {{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}}}};
    configuration.update(extra);
    REQUIRE_OK(call("PutScalingPolicy", with(key(), {{"PolicyName", "cpu"}, {"PolicyType", "TargetTrackingScaling"},
                                                     {"TargetTrackingScalingPolicyConfiguration", configuration}})));
  }

  model::Service service() {
    auto found = store->find_service("default", "web");
    REQUIRE_OK(found);
    REQUIRE(found->has_value());
    return **found;
  }
  void change_service(const std::function<void(model::Service&)>& change) {
    auto s = service();
    change(s);
    const long long version = s.version++;
    auto saved = store->replace_service(s, version);
    REQUIRE_OK(saved);
    REQUIRE(*saved);
  }
  void deployment_completed() {
    change_service([](model::Service& s) { s.deployments.front().rollout_state = "COMPLETED"; });
  }

  // One second (one metric period) of the service's CPU at `percent`, then the runner's pass.
  void second_at(double percent) {
    metrics.add({"AWS/ECS", "CPUUtilization", {{"ClusterName", "default"}, {"ServiceName", "web"}}}, clock.now_ms(),
                percent, "Percent");
    clock.advance_ms(1000);
    runner.pass();
  }

  Json activities() {
    auto listed = call("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}, {"ResourceId", k_web}});
    REQUIRE_OK(listed);
    return (*listed)["ScalingActivities"];
  }
};

void check_error(const Result<Json>& result, Code code, const std::string& message_part) {
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == code);
  INFO(result.error().message);
  CHECK(result.error().message.find(message_part) != std::string::npos);
}

}  // namespace

TEST_CASE("scaling use cases: one per action berth serves", "[svc][scaling]") {
  for (const char* action : {"RegisterScalableTarget", "DescribeScalableTargets", "DeregisterScalableTarget",
                             "PutScalingPolicy", "DescribeScalingPolicies", "DeleteScalingPolicy", "PutScheduledAction",
                             "DescribeScheduledActions", "DeleteScheduledAction", "DescribeScalingActivities"}) {
    CHECK(svc::find_scaling_use_case(action) != nullptr);
    CHECK(model::find_scaling_request_shape(action) != nullptr);
  }
  CHECK(svc::find_scaling_use_case("PutLifecycleHook") == nullptr);
  CHECK(model::find_scaling_request_shape("PutLifecycleHook") == nullptr);
}

TEST_CASE_METHOD(ScalingFixture, "scalable targets: register, update, describe, deregister", "[svc][scaling]") {
  auto registered = call("RegisterScalableTarget", with(key(), {{"MinCapacity", 1}, {"MaxCapacity", 4}}));
  REQUIRE_OK(registered);
  const std::string arn = (*registered)["ScalableTargetARN"];
  CHECK(arn.starts_with("arn:aws:application-autoscaling:local:000000000000:scalable-target/"));
  CHECK(arn.size() == std::string("arn:aws:application-autoscaling:local:000000000000:scalable-target/").size() + 36);
  // An update keeps what it does not name, and the ARN.
  auto updated = call("RegisterScalableTarget",
                      with(key(), {{"MaxCapacity", 6}, {"SuspendedState", {{"DynamicScalingInSuspended", true}}}}));
  REQUIRE_OK(updated);
  CHECK((*updated)["ScalableTargetARN"] == arn);
  auto described = call("DescribeScalableTargets", {{"ServiceNamespace", "ecs"}});
  REQUIRE_OK(described);
  REQUIRE((*described)["ScalableTargets"].size() == 1);
  const Json& t = (*described)["ScalableTargets"][0];
  CHECK(t["ResourceId"] == k_web);
  CHECK(t["ScalableDimension"] == "ecs:service:DesiredCount");
  CHECK(t["MinCapacity"] == 1);
  CHECK(t["MaxCapacity"] == 6);
  CHECK(t["SuspendedState"]["DynamicScalingInSuspended"] == true);
  CHECK(t["SuspendedState"]["DynamicScalingOutSuspended"] == false);
  CHECK(t["CreationTime"] == 1700000000.0);
  CHECK(t["ScalableTargetARN"] == arn);
  REQUIRE_OK(call("DeregisterScalableTarget", key()));
  check_error(call("DeregisterScalableTarget", key()), Code::resource_not_found, "No scalable target found");
  CHECK((*call("DescribeScalableTargets", {{"ServiceNamespace", "ecs"}}))["ScalableTargets"].empty());
}

TEST_CASE_METHOD(ScalingFixture, "scalable targets: what is refused and why", "[svc][scaling]") {
  check_error(call("RegisterScalableTarget", {{"ServiceNamespace", "dynamodb"}, {"ResourceId", "table/t"},
                                              {"ScalableDimension", "dynamodb:table:ReadCapacityUnits"},
                                              {"MinCapacity", 1}, {"MaxCapacity", 2}}),
              Code::validation, "ServiceNamespace must be ecs, not dynamodb");
  check_error(call("RegisterScalableTarget", with(key(), {{"ScalableDimension", "ec2:spot-fleet-request:TargetCapacity"},
                                                          {"MinCapacity", 1}, {"MaxCapacity", 2}})),
              Code::validation, "Unsupported scalable dimension");
  check_error(call("RegisterScalableTarget", with(key("cluster/default"), {{"MinCapacity", 1}, {"MaxCapacity", 2}})),
              Code::validation, "service/<cluster name>/<service name>");
  check_error(call("RegisterScalableTarget", with(key("service/default/nope"), {{"MinCapacity", 1}, {"MaxCapacity", 2}})),
              Code::validation, "ECS service doesn't exist: service/default/nope");
  check_error(call("RegisterScalableTarget", with(key(), {{"MinCapacity", 1}})), Code::validation,
              "Minimum and maximum capacity must be specified");
  check_error(call("RegisterScalableTarget", with(key(), {{"MinCapacity", 3}, {"MaxCapacity", 2}})), Code::validation,
              "Minimum capacity cannot be greater than maximum capacity");
  check_error(call("RegisterScalableTarget", with(key(), {{"MinCapacity", -1}, {"MaxCapacity", 2}})),
              Code::invalid_parameter, "MinCapacity");
  check_error(call("DescribeScalableTargets", {{"ServiceNamespace", "ec2"}}), Code::validation, "ServiceNamespace");
  // Deregistering a target drops its policies and scheduled actions with it.
  register_target(1, 3);
  put_cpu_policy(50);
  REQUIRE_OK(call("DeregisterScalableTarget", key()));
  register_target(1, 3);
  CHECK((*call("DescribeScalingPolicies", {{"ServiceNamespace", "ecs"}}))["ScalingPolicies"].empty());
}

TEST_CASE_METHOD(ScalingFixture, "scalable targets: pages", "[svc][scaling]") {
  for (const char* name : {"a", "b", "c"}) {
    REQUIRE_OK(ecs_call(*ctx, "CreateService",
                        Json{{"serviceName", name}, {"taskDefinition", "web"}, {"desiredCount", 0}}));
    REQUIRE_OK(call("RegisterScalableTarget",
                    with(key(std::string("service/default/") + name), {{"MinCapacity", 0}, {"MaxCapacity", 2}})));
  }
  auto first = call("DescribeScalableTargets", {{"ServiceNamespace", "ecs"}, {"MaxResults", 2}});
  REQUIRE_OK(first);
  CHECK((*first)["ScalableTargets"].size() == 2);
  REQUIRE((*first).contains("NextToken"));
  auto second = call("DescribeScalableTargets",
                     {{"ServiceNamespace", "ecs"}, {"MaxResults", 2}, {"NextToken", (*first)["NextToken"]}});
  REQUIRE_OK(second);
  CHECK((*second)["ScalableTargets"].size() == 1);
  CHECK((*second)["ScalableTargets"][0]["ResourceId"] == "service/default/c");
  CHECK_FALSE((*second).contains("NextToken"));
  auto some = call("DescribeScalableTargets",
                   {{"ServiceNamespace", "ecs"}, {"ResourceIds", {"service/default/b", "service/default/x"}}});
  REQUIRE_OK(some);
  CHECK((*some)["ScalableTargets"].size() == 1);
}

TEST_CASE_METHOD(ScalingFixture, "scaling policies: target tracking and step, described and deleted", "[svc][scaling]") {
  check_error(call("PutScalingPolicy", with(key(), {{"PolicyName", "cpu"}, {"PolicyType", "TargetTrackingScaling"},
                                                    {"TargetTrackingScalingPolicyConfiguration", {{"TargetValue", 50}}}})),
              Code::resource_not_found, "No scalable target registered for service namespace: ecs, resource ID: " +
                                            std::string(k_web));
  register_target(1, 4);
  auto tracking = call("PutScalingPolicy",
                       with(key(), {{"PolicyName", "cpu"}, {"PolicyType", "TargetTrackingScaling"},
                                    {"TargetTrackingScalingPolicyConfiguration",
                                     {{"TargetValue", 50}, {"ScaleInCooldown", 30},
                                      {"PredefinedMetricSpecification",
                                       {{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}}}}}}));
  REQUIRE_OK(tracking);
  const std::string arn = (*tracking)["PolicyARN"];
  CHECK(arn.starts_with("arn:aws:autoscaling:local:000000000000:scalingPolicy:"));
  CHECK(arn.ends_with(":resource/ecs/service/default/web:policyName/cpu"));
  REQUIRE((*tracking)["Alarms"].size() == 2);
  const std::string high = (*tracking)["Alarms"][0]["AlarmName"];
  CHECK(high.starts_with("TargetTracking-service/default/web-AlarmHigh-"));
  CHECK((*tracking)["Alarms"][1]["AlarmName"].get<std::string>().starts_with("TargetTracking-service/default/web-AlarmLow-"));
  // Putting it again updates it in place: same ARN, same alarms.
  auto again = call("PutScalingPolicy", with(key(), {{"PolicyName", "cpu"},
                                                     {"TargetTrackingScalingPolicyConfiguration",
                                                      {{"TargetValue", 60},
                                                       {"PredefinedMetricSpecification",
                                                        {{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}}}}}}));
  REQUIRE_OK(again);
  CHECK((*again)["PolicyARN"] == arn);
  CHECK((*again)["Alarms"][0]["AlarmName"] == high);

  auto step = call("PutScalingPolicy",
                   with(key(), {{"PolicyName", "steps"}, {"PolicyType", "StepScaling"},
                                {"StepScalingPolicyConfiguration",
                                 {{"AdjustmentType", "ChangeInCapacity"}, {"Cooldown", 60},
                                  {"MetricAggregationType", "Average"},
                                  {"StepAdjustments", {{{"MetricIntervalLowerBound", 0}, {"ScalingAdjustment", 1}}}}}}}));
  REQUIRE_OK(step);
  CHECK_FALSE((*step).contains("Alarms"));

  auto described = call("DescribeScalingPolicies", {{"ServiceNamespace", "ecs"}, {"ResourceId", k_web}});
  REQUIRE_OK(described);
  REQUIRE((*described)["ScalingPolicies"].size() == 2);
  const Json& cpu = (*described)["ScalingPolicies"][0];
  CHECK(cpu["PolicyName"] == "cpu");
  CHECK(cpu["PolicyType"] == "TargetTrackingScaling");
  CHECK(cpu["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60);
  CHECK(cpu["PolicyARN"] == arn);
  CHECK((*described)["ScalingPolicies"][1]["StepScalingPolicyConfiguration"]["Cooldown"] == 60);
  auto named = call("DescribeScalingPolicies", {{"ServiceNamespace", "ecs"}, {"PolicyNames", {"steps"}}, {"MaxResults", 1}});
  REQUIRE_OK(named);
  CHECK((*named)["ScalingPolicies"].size() == 1);
  CHECK_FALSE((*named).contains("NextToken"));

  REQUIRE_OK(call("DeleteScalingPolicy", with(key(), {{"PolicyName", "steps"}})));
  check_error(call("DeleteScalingPolicy", with(key(), {{"PolicyName", "steps"}})), Code::resource_not_found,
              "No scaling policy found");
}

TEST_CASE_METHOD(ScalingFixture, "scaling policies: what is refused and why", "[svc][scaling]") {
  register_target(1, 4);
  const auto put = [&](Json extra) { return call("PutScalingPolicy", with(with(key(), {{"PolicyName", "p"}}), extra)); };
  const Json predefined{{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}};
  check_error(put({{"TargetTrackingScalingPolicyConfiguration", {{"TargetValue", 50}}}}), Code::validation,
              "PolicyType is required");
  check_error(put({{"PolicyType", "PredictiveScaling"}}), Code::validation, "predictive");
  check_error(put({{"PolicyType", "TargetTrackingScaling"}}), Code::validation, "is required");
  check_error(put({{"PolicyType", "TargetTrackingScaling"},
                   {"TargetTrackingScalingPolicyConfiguration", {{"TargetValue", 50}}}}),
              Code::validation, "exactly one of");
  check_error(put({{"PolicyType", "TargetTrackingScaling"},
                   {"TargetTrackingScalingPolicyConfiguration", {{"TargetValue", 0}, {"PredefinedMetricSpecification", predefined}}}}),
              Code::validation, "greater than 0");
  check_error(put({{"PolicyType", "TargetTrackingScaling"},
                   {"TargetTrackingScalingPolicyConfiguration",
                    {{"TargetValue", 50}, {"PredefinedMetricSpecification", {{"PredefinedMetricType", "ALBRequestCountPerTarget"}}}}}}),
              Code::validation, "Unsupported predefined metric type ALBRequestCountPerTarget");
  check_error(put({{"PolicyType", "TargetTrackingScaling"},
                   {"TargetTrackingScalingPolicyConfiguration",
                    {{"TargetValue", 50}, {"CustomizedMetricSpecification", {{"Metrics", Json::array()}}}}}}),
              Code::validation, "metric math");
  check_error(put({{"PolicyType", "StepScaling"}, {"TargetTrackingScalingPolicyConfiguration", {{"TargetValue", 50}}}}),
              Code::validation, "does not apply");
  check_error(put({{"PolicyType", "StepScaling"},
                   {"StepScalingPolicyConfiguration",
                    {{"AdjustmentType", "ChangeInCapacity"}, {"MinAdjustmentMagnitude", 2},
                     {"StepAdjustments", {{{"MetricIntervalLowerBound", 0}, {"ScalingAdjustment", 1}}}}}}}),
              Code::validation, "MinAdjustmentMagnitude is only valid");
  check_error(put({{"PolicyType", "StepScaling"},
                   {"StepScalingPolicyConfiguration",
                    {{"AdjustmentType", "ChangeInCapacity"},
                     {"StepAdjustments", {{{"MetricIntervalLowerBound", 0}, {"MetricIntervalUpperBound", 10}, {"ScalingAdjustment", 1}},
                                          {{"MetricIntervalLowerBound", 5}, {"ScalingAdjustment", 2}}}}}}}),
              Code::validation, "overlap");
}

TEST_CASE_METHOD(ScalingFixture, "scaling runner: target tracking takes the service out and back in", "[svc][scaling]") {
  register_target(1, 3);
  put_cpu_policy(50, {{"ScaleOutCooldown", 5}, {"ScaleInCooldown", 5}});
  deployment_completed();
  // Two periods above the target are not enough; the third scales out to ceil(1 × 90 / 50).
  second_at(90);
  second_at(90);
  CHECK(service().desired_count == 1);
  second_at(90);
  second_at(90);
  CHECK(service().desired_count == 2);
  Json listed = activities();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["Description"] == "Setting desired count to 2.");
  CHECK(listed[0]["Cause"].get<std::string>().starts_with("monitor alarm TargetTracking-service/default/web-AlarmHigh-"));
  CHECK(listed[0]["Cause"].get<std::string>().ends_with(" in state ALARM triggered policy cpu"));
  CHECK(listed[0]["StatusCode"] == "InProgress");
  // The scheduler places the tasks: the activity is fulfilled.
  svc::ServiceScheduler scheduler(*ctx);
  scheduler.pass();
  deployment_completed();
  second_at(50);  // at the target: neither alarm
  listed = activities();
  CHECK(listed[0]["StatusCode"] == "Successful");
  CHECK(listed[0]["StatusMessage"] == "Successfully set desired count to 2. Change successfully fulfilled by ecs.");
  CHECK(listed[0].contains("EndTime"));
  // Load stops: fifteen periods below 45 %, after the cooldowns, scale in to the minimum.
  for (int i = 0; i < 14; ++i) second_at(5);
  CHECK(service().desired_count == 2);
  second_at(5);
  CHECK(service().desired_count == 1);
  listed = activities();
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["Description"] == "Setting desired count to 1.");
  CHECK(listed[0]["Cause"].get<std::string>().find("AlarmLow") != std::string::npos);
  CHECK(listed[0]["StatusCode"] == "Successful");
}

TEST_CASE_METHOD(ScalingFixture, "scaling runner: a scale-out whose activity cannot be written does not happen",
                 "[svc][scaling]") {
  register_target(1, 3);
  put_cpu_policy(50, {{"ScaleOutCooldown", 5}});
  deployment_completed();
  // The activity's insert fails (as a full disk would fail it): the desired count, the activity
  // and the cooldown are one write, so a reader never sees a scale-out that nothing explains.
  REQUIRE_OK(store->exec_for_test("CREATE TRIGGER refuse_activities BEFORE INSERT ON scaling_activities "
                                  "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
  for (int i = 0; i < 4; ++i) second_at(90);
  CHECK(service().desired_count == 1);
  CHECK(activities().empty());
  auto target = store->find_scalable_target(k_web);
  REQUIRE_OK(target);
  CHECK((*target)->memory.pending_activity.empty());
  CHECK_FALSE((*target)->memory.last_scale_out_at.has_value());
  // Once it can be written, the next period scales out with its activity.
  REQUIRE_OK(store->exec_for_test("DROP TRIGGER refuse_activities"));
  second_at(90);
  CHECK(service().desired_count == 2);
  Json listed = activities();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["Description"] == "Setting desired count to 2.");
  target = store->find_scalable_target(k_web);
  REQUIRE_OK(target);
  CHECK((*target)->memory.pending_activity == listed[0]["ActivityId"]);
}

TEST_CASE_METHOD(ScalingFixture, "scaling runner: no scale-in during a deployment, none when suspended", "[svc][scaling]") {
  register_target(1, 3);
  change_service([](model::Service& s) { s.desired_count = 3; });
  put_cpu_policy(50, {{"ScaleInCooldown", 0}});
  for (int i = 0; i < 16; ++i) second_at(5);
  CHECK(service().desired_count == 3);  // the deployment is IN_PROGRESS
  deployment_completed();
  REQUIRE_OK(call("RegisterScalableTarget", with(key(), {{"SuspendedState", {{"DynamicScalingInSuspended", true}}}})));
  second_at(5);
  CHECK(service().desired_count == 3);
  REQUIRE_OK(call("RegisterScalableTarget", with(key(), {{"SuspendedState", {{"DynamicScalingInSuspended", false}}}})));
  second_at(5);
  CHECK(service().desired_count == 1);
}

TEST_CASE_METHOD(ScalingFixture, "scaling runner: a scale-out that cannot be placed is reported, not retried at once",
                 "[svc][scaling]") {
  register_target(1, 5);
  put_cpu_policy(50, {{"ScaleOutCooldown", 60}});
  for (int i = 0; i < 4; ++i) second_at(100);
  CHECK(service().desired_count == 2);
  change_service([](model::Service& s) {
    model::add_event(s, "(service web) was unable to place a task because no container instance met all of its "
                        "requirements. Reasons: [].", 0, "e1");
  });
  second_at(100);
  CHECK(service().desired_count == 1);  // back to what was placed (and the minimum)
  Json listed = activities();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["StatusCode"] == "Failed");
  CHECK(listed[0]["StatusMessage"].get<std::string>().starts_with("Failed to set desired count to 2: (service web) was "
                                                                  "unable to place a task"));
  CHECK(service().events.front().message.find("was unable to scale out to 2 tasks") != std::string::npos);
  // Still hot: no new attempt until the scale-out cooldown has passed.
  for (int i = 0; i < 30; ++i) second_at(100);
  CHECK(service().desired_count == 1);
  for (int i = 0; i < 31; ++i) second_at(100);
  CHECK(service().desired_count == 2);
}

TEST_CASE_METHOD(ScalingFixture, "scaling runner: bounds, step policies through the alarm source", "[svc][scaling]") {
  register_target(2, 4);
  second_at(0);
  CHECK(service().desired_count == 2);  // raised to the minimum
  CHECK(activities()[0]["Cause"] == "minimum capacity was set to 2");
  svc::ServiceScheduler(*ctx).pass();  // the two tasks placed: the activity is fulfilled
  second_at(0);
  CHECK(activities()[0]["StatusCode"] == "Successful");
  auto step = call("PutScalingPolicy",
                   with(key(), {{"PolicyName", "steps"}, {"PolicyType", "StepScaling"},
                                {"StepScalingPolicyConfiguration",
                                 {{"AdjustmentType", "ExactCapacity"}, {"Cooldown", 0},
                                  {"StepAdjustments", {{{"MetricIntervalLowerBound", 0}, {"ScalingAdjustment", 4}}}}}}}));
  REQUIRE_OK(step);
  // Real CloudWatch alarms on the service's CPU, acting on the policy: one breaching, one not,
  // one breaching with its actions disabled.
  const auto alarm_on = [&](std::string name, double threshold, bool actions_enabled) {
    model::MetricAlarm alarm;
    alarm.name = std::move(name);
    alarm.actions_enabled = actions_enabled;
    alarm.alarm_actions = {(*step)["PolicyARN"].get<std::string>()};
    alarm.name_space = "AWS/ECS";
    alarm.metric_name = "CPUUtilization";
    alarm.dimensions = {{"ClusterName", "default"}, {"ServiceName", "web"}};
    alarm.period_seconds = 1;
    alarm.threshold = threshold;
    alarm.comparison = model::AlarmComparison::greater;
    REQUIRE_OK(svc::put_metric_alarm(*ctx, {alarm}));
  };
  alarm_on("cpu-high", 70, true);
  alarm_on("cpu-very-high", 90, true);
  alarm_on("muted", 10, false);
  second_at(80);
  CHECK(activities()[0]["Cause"] == "monitor alarm cpu-high in state ALARM triggered policy steps");
}

TEST_CASE_METHOD(ScalingFixture, "scheduled actions: put, describe, run at their time, delete", "[svc][scaling]") {
  check_error(call("PutScheduledAction", with(key(), {{"ScheduledActionName", "night"}, {"Schedule", "rate(1 hour)"},
                                                      {"ScalableTargetAction", {{"MinCapacity", 2}}}})),
              Code::resource_not_found, "No scalable target registered");
  register_target(1, 4);
  const auto put = [&](Json extra) {
    return call("PutScheduledAction", with(with(key(), {{"ScheduledActionName", "burst"}}), extra));
  };
  check_error(put({{"Schedule", "every day"}, {"ScalableTargetAction", {{"MinCapacity", 2}}}}), Code::invalid_parameter,
              "");
  check_error(put({{"Schedule", "rate(1 hour)"}}), Code::validation, "ScalableTargetAction must set");
  check_error(put({{"Schedule", "rate(1 hour)"}, {"ScalableTargetAction", {{"MinCapacity", 3}, {"MaxCapacity", 2}}}}),
              Code::validation, "cannot be greater");
  check_error(put({{"Schedule", "rate(1 hour)"}, {"Timezone", "Mars/Olympus"}, {"ScalableTargetAction", {{"MinCapacity", 2}}}}),
              Code::invalid_parameter, "");
  // at() ten seconds ahead (the fixture's clock is 2023-11-14T22:13:20Z).
  REQUIRE_OK(put({{"Schedule", "at(2023-11-14T22:13:30)"}, {"ScalableTargetAction", {{"MinCapacity", 3}, {"MaxCapacity", 6}}}}));
  auto described = call("DescribeScheduledActions", {{"ServiceNamespace", "ecs"}, {"ResourceId", k_web}});
  REQUIRE_OK(described);
  REQUIRE((*described)["ScheduledActions"].size() == 1);
  const Json& a = (*described)["ScheduledActions"][0];
  CHECK(a["Schedule"] == "at(2023-11-14T22:13:30)");
  CHECK(a["Timezone"] == "UTC");
  CHECK(a["ScalableTargetAction"] == Json{{"MinCapacity", 3}, {"MaxCapacity", 6}});
  CHECK(a["ScheduledActionARN"].get<std::string>().ends_with(":resource/ecs/service/default/web:scheduledActionName/burst"));
  for (int i = 0; i < 9; ++i) second_at(0);
  CHECK(service().desired_count == 1);
  second_at(0);
  CHECK(service().desired_count == 3);
  auto target = store->find_scalable_target(k_web);
  REQUIRE_OK(target);
  CHECK((*target)->min_capacity == 3);
  CHECK((*target)->max_capacity == 6);
  Json listed = activities();
  REQUIRE(listed.size() == 2);
  CHECK(listed[1]["Description"] == "Setting min capacity to 3 and max capacity to 6");
  CHECK(listed[1]["Cause"] == "scheduled action name burst was triggered");
  CHECK(listed[1]["StatusCode"] == "Successful");
  CHECK(listed[1]["StatusMessage"] == "Successfully set min capacity to 3 and max capacity to 6");
  CHECK(listed[0]["Description"] == "Setting desired count to 3.");
  // It ran once: later passes change nothing.
  REQUIRE_OK(call("RegisterScalableTarget", with(key(), {{"MinCapacity", 1}})));
  for (int i = 0; i < 3; ++i) second_at(0);
  CHECK((*store->find_scalable_target(k_web))->min_capacity == 1);
  REQUIRE_OK(call("DeleteScheduledAction", with(key(), {{"ScheduledActionName", "burst"}})));
  check_error(call("DeleteScheduledAction", with(key(), {{"ScheduledActionName", "burst"}})), Code::resource_not_found,
              "No scheduled action found");
}

TEST_CASE_METHOD(ScalingFixture, "scheduled actions: time zones, start and end, suspended", "[svc][scaling]") {
  register_target(1, 4);
  model::ScheduledScalingAction action;
  action.schedule = "cron(0 9 * * ? *)";
  action.time_zone = "Europe/Berlin";
  action.created_at = clock.now_ms();
  auto next = svc::next_run_of(*ctx, action, clock.now_ms() / 1000);
  REQUIRE_OK(next);
  REQUIRE(next->has_value());
  CHECK(**next == 1700035200);  // 2023-11-15 09:00 CET = 08:00 UTC
  action.end_time = 1700035200 - 1;
  CHECK_FALSE(svc::next_run_of(*ctx, action, clock.now_ms() / 1000)->has_value());
  action.end_time.reset();
  action.start_time = 1700035200 + 3600;
  CHECK(**svc::next_run_of(*ctx, action, clock.now_ms() / 1000) == 1700035200 + 86400);
  // A suspended target's scheduled actions do not run.
  REQUIRE_OK(call("RegisterScalableTarget", with(key(), {{"SuspendedState", {{"ScheduledScalingSuspended", true}}}})));
  REQUIRE_OK(call("PutScheduledAction", with(key(), {{"ScheduledActionName", "now"}, {"Schedule", "rate(1 minute)"},
                                                     {"ScalableTargetAction", {{"MinCapacity", 2}}}})));
  for (int i = 0; i < 61; ++i) second_at(0);
  CHECK((*store->find_scalable_target(k_web))->min_capacity == 1);
}

TEST_CASE_METHOD(ScalingFixture, "scaling activities: newest first, bounded per target, in pages", "[svc][scaling]") {
  register_target(0, 4);
  for (std::size_t i = 0; i < svc::k_max_activities_per_target + 5; ++i) {
    model::ScalingActivity a;
    a.id = "activity-" + std::to_string(i);
    a.resource_id = k_web;
    a.description = "number " + std::to_string(i);
    a.status_code = "Successful";
    auto put = store->put_scaling_activity(a, svc::k_max_activities_per_target);
    REQUIRE_OK(put);
  }
  auto first = call("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}, {"MaxResults", 50}});
  REQUIRE_OK(first);
  CHECK((*first)["ScalingActivities"][0]["Description"] == "number 104");
  std::size_t total = (*first)["ScalingActivities"].size();
  Json token = (*first)["NextToken"];
  while (!token.is_null()) {
    auto page = call("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}, {"MaxResults", 50}, {"NextToken", token}});
    REQUIRE_OK(page);
    total += (*page)["ScalingActivities"].size();
    token = page->value("NextToken", Json());
  }
  CHECK(total == svc::k_max_activities_per_target);
  check_error(call("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}, {"NextToken", "x"}}), Code::validation,
              "NextToken");
  // An activity of a target that is gone is not written.
  REQUIRE_OK(call("DeregisterScalableTarget", key()));
  model::ScalingActivity orphan;
  orphan.id = "orphan";
  orphan.resource_id = k_web;
  CHECK(*store->put_scaling_activity(orphan, 10) == 0);
  CHECK((*call("DescribeScalingActivities", {{"ServiceNamespace", "ecs"}}))["ScalingActivities"].empty());
}

TEST_CASE_METHOD(ScalingFixture, "scaling store: writes are version-checked", "[svc][scaling]") {
  register_target(1, 4);
  put_cpu_policy(50);
  auto policies = store->list_scaling_policies(std::string(k_web), {}, "", 10);
  REQUIRE_OK(policies);
  REQUIRE(policies->size() == 1);
  model::ScalingPolicy policy = policies->front();
  // A writer that read no policy, or another one, loses to the one stored.
  CHECK_FALSE(*store->put_scaling_policy(policy, "", 50));
  CHECK_FALSE(*store->put_scaling_policy(policy, "some-other-id", 50));
  CHECK(*store->put_scaling_policy(policy, policy.id, 50));
  // Past the limit, a new policy is refused; a replacement is not.
  model::ScalingPolicy second = policy;
  second.name = "second";
  second.id = "second-id";
  const auto refused = store->put_scaling_policy(second, "", 1);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Code::limit_exceeded);
  CHECK(*store->put_scaling_policy(policy, policy.id, 1));

  REQUIRE_OK(call("PutScheduledAction", with(key(), {{"ScheduledActionName", "a"}, {"Schedule", "rate(1 hour)"},
                                                     {"ScalableTargetAction", {{"MinCapacity", 2}}}})));
  // Putting it again keeps what it does not name and bumps its version.
  REQUIRE_OK(call("PutScheduledAction", with(key(), {{"ScheduledActionName", "a"},
                                                     {"ScalableTargetAction", {{"MaxCapacity", 3}}}})));
  auto actions = store->list_scheduled_actions(std::string(k_web), {"a"}, "", 10);
  REQUIRE_OK(actions);
  REQUIRE(actions->size() == 1);
  model::ScheduledScalingAction action = actions->front();
  CHECK(action.schedule == "rate(1 hour)");
  CHECK(action.max_capacity == 3);
  CHECK_FALSE(action.min_capacity);
  CHECK(action.version == 2);
  CHECK_FALSE(*store->put_scheduled_action(action, 0, 200));
  CHECK_FALSE(*store->put_scheduled_action(action, 1, 200));
  CHECK(*store->put_scheduled_action(action, 2, 200));
  // A stale target write loses too.
  auto target = store->find_scalable_target(k_web);
  REQUIRE_OK(target);
  CHECK_FALSE(*store->put_scalable_target(**target, (*target)->version - 1));
  CHECK_FALSE(*store->put_scalable_target(**target, 0));
}

TEST_CASE_METHOD(ScalingFixture, "scaling store: a step writes desired count, target and activity together or not at all",
                 "[svc][scaling]") {
  register_target(1, 4);
  const model::Service before = service();
  const auto stored_target = store->find_scalable_target(k_web);
  REQUIRE_OK(stored_target);
  REQUIRE(stored_target->has_value());
  const model::ScalableTarget target_before = **stored_target;

  const auto step = [&](long long service_version, long long target_version) {
    store::ScalingStepWrite write;
    write.service = before;
    write.service->desired_count = 3;
    write.service->version = before.version + 1;
    write.service_version = service_version;
    write.target = target_before;
    write.target->memory.pending_desired = 3;
    write.target->version = target_before.version + 1;
    write.target_version = target_version;
    model::ScalingActivity activity;
    activity.id = "step-" + std::to_string(service_version) + "-" + std::to_string(target_version);
    activity.resource_id = k_web;
    activity.description = "Setting desired count to 3.";
    activity.cause = "test";
    activity.status_code = "InProgress";
    write.activity = activity;
    write.keep_activities = 10;
    return store->write_scaling_step(write);
  };
  const auto nothing_written = [&] {
    CHECK(service().desired_count == before.desired_count);
    CHECK(service().version == before.version);
    const auto target = store->find_scalable_target(k_web);
    REQUIRE_OK(target);
    CHECK((*target)->version == target_before.version);
    CHECK((*target)->memory.pending_desired == 0);
    CHECK(activities().empty());
  };
  // A stale service or a stale target: none of the three parts is written.
  auto stale_service = step(before.version - 1, target_before.version);
  REQUIRE_OK(stale_service);
  CHECK_FALSE(*stale_service);
  nothing_written();
  auto stale_target = step(before.version, target_before.version - 1);
  REQUIRE_OK(stale_target);
  CHECK_FALSE(*stale_target);
  nothing_written();
  // Current versions: all three.
  auto written = step(before.version, target_before.version);
  REQUIRE_OK(written);
  CHECK(*written);
  CHECK(service().desired_count == 3);
  const auto target = store->find_scalable_target(k_web);
  REQUIRE_OK(target);
  CHECK((*target)->memory.pending_desired == 3);
  Json listed = activities();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["ActivityId"] == "step-" + std::to_string(before.version) + "-" +
                                        std::to_string(target_before.version));
  // keep_activities 0 trims nothing (the default must not delete what was just written).
  store::ScalingStepWrite activity_only;
  activity_only.activity = model::ScalingActivity{};
  activity_only.activity->id = "second";
  activity_only.activity->resource_id = k_web;
  activity_only.activity->description = "Setting desired count to 3.";
  activity_only.activity->cause = "test";
  auto kept = store->write_scaling_step(activity_only);
  REQUIRE_OK(kept);
  CHECK(*kept);
  CHECK(activities().size() == 2);
  // A step made under a scheduler term that is no longer the stored one writes nothing.
  store::ScalingStepWrite fenced;
  fenced.target = **target;
  fenced.target_version = (*target)->version;
  fenced.target->version = (*target)->version + 1;
  fenced.leader_term = 12345;
  CHECK_FALSE(store->write_scaling_step(fenced).has_value());
  const auto after_fenced = store->find_scalable_target(k_web);
  REQUIRE_OK(after_fenced);
  CHECK((*after_fenced)->version == (*target)->version);
}

}  // namespace scaling_test
