#include "cli/rollout_progress.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::rollout_progress_test {
namespace {

constexpr const char* k_v1 = "arn:aws:ecs:local:0:task-definition/web:1";
constexpr const char* k_v2 = "arn:aws:ecs:local:0:task-definition/web:2";

model::Json deployment(const char* td, const char* status, const char* rollout, int desired, int running, int pending = 0,
                       int failed = 0) {
  return {{"taskDefinition", td}, {"status", status}, {"rolloutState", rollout}, {"desiredCount", desired},
          {"runningCount", running}, {"pendingCount", pending}, {"failedTasks", failed},
          {"rolloutStateReason", "ECS deployment circuit breaker: tasks failed to start."}};
}

model::Json service(const char* td, std::vector<model::Json> deployments, int desired = 2, int running = 2) {
  return {{"serviceName", "web"}, {"status", "ACTIVE"}, {"taskDefinition", td}, {"desiredCount", desired},
          {"runningCount", running}, {"deployments", deployments}};
}

}  // namespace

TEST_CASE("rollout: a deployment in progress, then completed once alone and running", "[cli]") {
  auto view = assess_rollout(service(k_v2, {deployment(k_v2, "PRIMARY", "IN_PROGRESS", 2, 1, 1, 3),
                                             deployment(k_v1, "ACTIVE", "COMPLETED", 2, 2)}),
                             k_v2);
  CHECK(view.phase == RolloutPhase::in_progress);
  CHECK(view.line == "web:2 [##########----------] 1/2 running, 1 pending, 3 failed · web:1 ACTIVE 2 running");
  view = assess_rollout(service(k_v2, {deployment(k_v2, "PRIMARY", "COMPLETED", 2, 2)}), k_v2);
  CHECK(view.phase == RolloutPhase::completed);
  CHECK(view.line == "web:2 [####################] 2/2 running");
  // Completed by ECS but an old deployment still drains: not done yet.
  view = assess_rollout(service(k_v2, {deployment(k_v2, "PRIMARY", "COMPLETED", 2, 2),
                                       deployment(k_v1, "ACTIVE", "COMPLETED", 0, 1)}), k_v2);
  CHECK(view.phase == RolloutPhase::in_progress);
}

TEST_CASE("rollout: failed, rolled back by the circuit breaker, or the deployment gone", "[cli]") {
  auto view = assess_rollout(service(k_v2, {deployment(k_v2, "PRIMARY", "FAILED", 2, 0)}), k_v2);
  CHECK(view.phase == RolloutPhase::failed);
  CHECK(view.reason == "ECS deployment circuit breaker: tasks failed to start.");
  view = assess_rollout(service(k_v1, {deployment(k_v1, "PRIMARY", "IN_PROGRESS", 2, 2),
                                       deployment(k_v2, "ACTIVE", "FAILED", 2, 0)}), k_v2);
  CHECK(view.phase == RolloutPhase::rolled_back);
  CHECK(view.reason == "ECS deployment circuit breaker: tasks failed to start.");
  view = assess_rollout(service(k_v1, {deployment(k_v1, "PRIMARY", "COMPLETED", 2, 2)}), k_v2);
  CHECK(view.phase == RolloutPhase::rolled_back);
  CHECK(view.reason == "the service went back to web:1");
  CHECK(view.line == "no deployment of web:2 · web:1 PRIMARY 2 running");
  auto deleted = service(k_v2, {deployment(k_v2, "PRIMARY", "IN_PROGRESS", 0, 0)});
  deleted["status"] = "DRAINING";
  CHECK(assess_rollout(deleted, k_v2).phase == RolloutPhase::failed);
}

TEST_CASE("rollout: stable without a target as the AWS waiter has it", "[cli]") {
  CHECK(assess_rollout(service(k_v1, {deployment(k_v1, "PRIMARY", "COMPLETED", 2, 2)}), "").phase ==
        RolloutPhase::completed);
  CHECK(assess_rollout(service(k_v1, {deployment(k_v1, "PRIMARY", "COMPLETED", 3, 2)}, 3, 2), "").phase ==
        RolloutPhase::in_progress);
  CHECK(progress_bar(0, 0, 4) == "[####]");
  CHECK(progress_bar(5, 2, 4) == "[####]");
  CHECK(progress_bar(1, 3, 6) == "[##----]");
}

}  // namespace berth::cli::rollout_progress_test
