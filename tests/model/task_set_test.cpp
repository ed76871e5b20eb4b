#include "model/task_set.hpp"

#include <catch2/catch.hpp>

#include "model/task_set_json.hpp"

namespace task_set_test {

using namespace berth;
using namespace berth::model;

namespace {

TaskSet set_at(double percent, TaskSetStatus status = TaskSetStatus::active) {
  TaskSet s;
  s.id = "ecs-svc/1234567890123456789";
  s.family = "web";
  s.revision = 3;
  s.scale_percent = percent;
  s.status = status;
  return s;
}

const ArnScope k_arns{"local", "000000000000"};

}  // namespace

TEST_CASE("a task set's computed desired count is its scale of the service's count, rounded up", "[model][task_set]") {
  CHECK(computed_desired_count(set_at(10), 10) == 1);
  CHECK(computed_desired_count(set_at(100), 10) == 10);
  CHECK(computed_desired_count(set_at(0), 10) == 0);
  CHECK(computed_desired_count(set_at(12), 10) == 2);   // 1.2 → 2, as ECS documents
  CHECK(computed_desired_count(set_at(10), 3) == 1);    // 0.3 → 1
  CHECK(computed_desired_count(set_at(10), 30) == 3);   // 30 * 0.1 is 3.0000000000000004 in doubles
  CHECK(computed_desired_count(set_at(50), 0) == 0);
  CHECK(computed_desired_count(set_at(100, TaskSetStatus::draining), 10) == 0);
}

TEST_CASE("a task set is steady when all its tasks run and none is pending", "[model][task_set]") {
  auto s = set_at(50);
  s.running_count = 2;
  CHECK(stability_of(s, 4) == StabilityStatus::steady_state);
  s.pending_count = 1;
  CHECK(stability_of(s, 4) == StabilityStatus::stabilizing);
  s.pending_count = 0;
  s.running_count = 3;  // one too many: scaling in
  CHECK(stability_of(s, 4) == StabilityStatus::stabilizing);
  CHECK(stability_of(set_at(0), 4) == StabilityStatus::steady_state);
}

TEST_CASE("task sets round-trip through their stored record", "[model][task_set]") {
  auto s = set_at(12.5, TaskSetStatus::primary);
  s.external_id = "canary-7";
  s.created_at = 1700000000000;
  s.updated_at = 1700000001500;
  auto back = task_set_from_record(task_set_to_record(s));
  REQUIRE(back.has_value());
  CHECK(*back == s);
  // With what CreateTaskSet was given.
  s.launch_type = LaunchType::external;
  s.load_balancers = Json::parse(R"([{"targetGroupArn":"tg","containerName":"main","containerPort":80}])");
  s.service_registries = Json::parse(R"([{"registryArn":"srv"}])");
  s.capacity_provider_strategy = Json::parse(R"([{"capacityProvider":"edge","weight":1,"base":0}])");
  back = task_set_from_record(task_set_to_record(s));
  REQUIRE(back.has_value());
  CHECK(*back == s);
  // A set stored before they were kept ran as EC2 with none.
  auto old_record = task_set_to_record(set_at(10));
  for (const char* key : {"launchType", "loadBalancers", "serviceRegistries", "capacityProviderStrategy"}) old_record.erase(key);
  back = task_set_from_record(old_record);
  REQUIRE(back.has_value());
  CHECK(*back == set_at(10));
}

TEST_CASE("a corrupt task set record is a server error", "[model][task_set]") {
  CHECK(task_set_from_record(Json::array()).error().code == Code::server);
  auto record = task_set_to_record(set_at(10));
  record["status"] = "GONE";
  CHECK(task_set_from_record(record).error().code == Code::server);
  record = task_set_to_record(set_at(10));
  record["launchType"] = "WARP";
  CHECK(task_set_from_record(record).error().code == Code::server);
}

TEST_CASE("a task set is named by its id or its ARN in its own service", "[model][task_set]") {
  const std::string arn = task_set_arn(k_arns, "plant", "web", "ecs-svc/42");
  CHECK(arn == "arn:aws:ecs:local:000000000000:task-set/plant/web/ecs-svc/42");
  CHECK(task_set_id_of(k_arns, "plant", "web", arn) == "ecs-svc/42");
  CHECK(task_set_id_of(k_arns, "plant", "web", "ecs-svc/42") == "ecs-svc/42");
  CHECK_FALSE(task_set_id_of(k_arns, "plant", "api", arn).has_value());    // another service
  CHECK_FALSE(task_set_id_of(k_arns, "other", "web", arn).has_value());    // another cluster
  CHECK_FALSE(task_set_id_of(ArnScope{"eu-west-1", "000000000000"}, "plant", "web", arn).has_value());
  CHECK_FALSE(task_set_id_of(k_arns, "plant", "web", "arn:aws:ecs:local:000000000000:service/plant/web").has_value());
  CHECK_FALSE(task_set_id_of(k_arns, "plant", "web", "arn:aws:ecs:local:000000000000:task-set/plant/web/").has_value());
  CHECK_FALSE(task_set_id_of(k_arns, "plant", "web", "arn:nonsense").has_value());
}

TEST_CASE("a task set on the wire is ECS's TaskSet", "[model][task_set]") {
  auto s = set_at(10, TaskSetStatus::primary);
  s.external_id = "canary-7";
  s.created_at = 1700000000000;
  s.updated_at = 1700000001500;
  s.running_count = 1;
  s.counted_at = 1700000002000;
  const std::vector<Tag> tags = {{"stage", "canary"}};
  CHECK(task_set_to_json(s, {"plant", "web", 10}, k_arns, &tags).dump() ==
        R"({"clusterArn":"arn:aws:ecs:local:000000000000:cluster/plant","computedDesiredCount":1,)"
        R"("createdAt":1700000000.0,"externalId":"canary-7","id":"ecs-svc/1234567890123456789",)"
        R"("launchType":"EC2","loadBalancers":[],"pendingCount":0,"runningCount":1,)"
        R"("scale":{"unit":"PERCENT","value":10.0},)"
        R"("serviceArn":"arn:aws:ecs:local:000000000000:service/plant/web","serviceRegistries":[],)"
        R"("stabilityStatus":"STEADY_STATE","stabilityStatusAt":1700000002.0,"status":"PRIMARY",)"
        R"("tags":[{"key":"stage","value":"canary"}],)"
        R"("taskDefinition":"arn:aws:ecs:local:000000000000:task-definition/web:3",)"
        R"("taskSetArn":"arn:aws:ecs:local:000000000000:task-set/plant/web/ecs-svc/1234567890123456789",)"
        R"("updatedAt":1700000001.5})");
  // Without tags and an external id, neither member appears.
  const auto plain = task_set_to_json(set_at(0), {"plant", "web", 10}, k_arns, nullptr);
  CHECK_FALSE(plain.contains("tags"));
  CHECK_FALSE(plain.contains("externalId"));
  CHECK(plain["computedDesiredCount"] == 0);
  // A set on capacity providers shows its strategy instead of a launchType; attachments as given.
  auto on_providers = set_at(0);
  on_providers.capacity_provider_strategy = Json::parse(R"([{"capacityProvider":"edge","weight":1,"base":0}])");
  on_providers.load_balancers = Json::parse(R"([{"targetGroupArn":"tg"}])");
  const auto shown = task_set_to_json(on_providers, {"plant", "web", 10}, k_arns, nullptr);
  CHECK_FALSE(shown.contains("launchType"));
  CHECK(shown["capacityProviderStrategy"] == on_providers.capacity_provider_strategy);
  CHECK(shown["loadBalancers"] == on_providers.load_balancers);
  auto external = set_at(0);
  external.launch_type = LaunchType::external;
  CHECK(task_set_to_json(external, {"plant", "web", 10}, k_arns, nullptr)["launchType"] == "EXTERNAL");
}

}  // namespace task_set_test
