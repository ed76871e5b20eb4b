#include "model/deployment_history.hpp"

#include <catch2/catch.hpp>

namespace deployment_history_test {

using namespace berth;
using namespace berth::model;

namespace {

// A service whose first deployment "ecs-svc/1" (web:1) was just created at t=1000.
Service new_service(int desired = 2) {
  Service s;
  s.cluster = "c";
  s.name = "web";
  s.desired_count = desired;
  s.deployments.push_back({.id = "ecs-svc/1", .family = "web", .revision = 1, .desired_count = desired});
  record_new_deployment(s, 1000);
  return s;
}

// What UpdateService does for a new definition: the old deployments ACTIVE, a new PRIMARY.
void deploy(Service& s, const std::string& id, long long revision, EpochMs now) {
  for (auto& d : s.deployments) d.status = "ACTIVE";
  s.deployments.insert(s.deployments.begin(),
                       Deployment{.id = id, .family = "web", .revision = revision, .desired_count = s.desired_count});
  record_new_deployment(s, now);
  follow_deployments(s, now);
}

void complete(Deployment& d) {
  d.running_count = d.desired_count;
  d.pending_count = 0;
  d.rollout_state = "COMPLETED";
  d.rollout_state_reason = "ECS deployment " + d.id + " completed.";
}

}  // namespace

TEST_CASE("history ids are a live deployment's digits", "[model][deployments]") {
  CHECK(history_id_of("ecs-svc/1234567890123456789") == "1234567890123456789");
  CHECK(history_id_of("plain") == "plain");
}

TEST_CASE("a new deployment is PENDING until it has tasks, then IN_PROGRESS, then SUCCESSFUL", "[model][deployments]") {
  Service s = new_service();
  REQUIRE(s.history.deployments.size() == 1);
  REQUIRE(s.history.revisions.size() == 1);
  const auto& r = s.history.deployments.front();
  CHECK(r.id == "1");
  CHECK(r.target_revision == "1");
  CHECK(r.source_revisions.empty());
  CHECK(r.status == ServiceDeploymentStatus::pending);
  CHECK(r.target_counts.requested == 2);
  CHECK(r.deployment_configuration["maximumPercent"] == 200);

  follow_deployments(s, 2000);  // no tasks yet: nothing moves, nothing is touched
  CHECK(s.history.deployments.front().status == ServiceDeploymentStatus::pending);
  CHECK(s.history.deployments.front().updated_at == 1000);

  s.deployments.front().pending_count = 2;
  follow_deployments(s, 3000);
  CHECK(s.history.deployments.front().status == ServiceDeploymentStatus::in_progress);
  CHECK(s.history.deployments.front().started_at == 3000);
  CHECK(s.history.deployments.front().target_counts.pending == 2);

  complete(s.deployments.front());
  follow_deployments(s, 4000);
  const auto& done = s.history.deployments.front();
  CHECK(done.status == ServiceDeploymentStatus::successful);
  CHECK(done.finished_at == 4000);
  CHECK(done.stopped_at == 0);
  CHECK(done.target_counts.running == 2);

  // Finished deployments never change again.
  s.deployments.front().running_count = 0;
  follow_deployments(s, 5000);
  CHECK(s.history.deployments.front().updated_at == 4000);
}

TEST_CASE("a newer deployment stops the one in progress and names its revision as the source", "[model][deployments]") {
  Service s = new_service();
  complete(s.deployments.front());
  follow_deployments(s, 2000);
  deploy(s, "ecs-svc/2", 2, 3000);
  deploy(s, "ecs-svc/3", 3, 4000);
  REQUIRE(s.history.deployments.size() == 3);
  const auto& newest = s.history.deployments[0];
  const auto& middle = s.history.deployments[1];
  CHECK(newest.id == "3");
  CHECK(newest.source_revisions == std::vector<std::string>{"2", "1"});
  CHECK(middle.status == ServiceDeploymentStatus::stopped);
  CHECK(middle.status_reason == "A newer service deployment started.");
  CHECK(middle.stopped_at == 4000);
  CHECK(middle.source_revisions == std::vector<std::string>{"1"});
  CHECK(s.history.deployments[2].status == ServiceDeploymentStatus::successful);
}

TEST_CASE("the circuit breaker: STOPPED without rollback, ROLLBACK_* with it", "[model][deployments]") {
  Service s = new_service();
  complete(s.deployments.front());
  follow_deployments(s, 2000);
  deploy(s, "ecs-svc/2", 2, 3000);

  SECTION("without rollback the failed deployment is STOPPED with the breaker's reason") {
    auto& primary = s.deployments.front();
    primary.failed_tasks = 10;
    primary.rollout_state = "FAILED";
    primary.rollout_state_reason = "ECS deployment circuit breaker: tasks failed to start.";
    follow_deployments(s, 4000);
    const auto& r = s.history.deployments.front();
    CHECK(r.status == ServiceDeploymentStatus::stopped);
    CHECK(r.status_reason == "ECS deployment circuit breaker: tasks failed to start.");
    CHECK(r.failed_tasks == 10);
    CHECK(r.stopped_at == 4000);
  }
  SECTION("with rollback it follows the rollback deployment to its end") {
    s.attachments.load_balancers = Json::array({{{"containerName", "x"}}});  // changed after revision 1
    s.deployments.front().rollout_state = "FAILED";
    s.deployments.front().rollout_state_reason = "ECS deployment circuit breaker: tasks failed to start.";
    s.deployments.front().failed_tasks = 10;  // counted in the very pass that rolls back
    for (auto& d : s.deployments) d.status = "ACTIVE";
    s.deployments.insert(s.deployments.begin(), Deployment{.id = "ecs-svc/9", .family = "web", .revision = 1,
                                                           .desired_count = 2, .rollback_of = "ecs-svc/2"});
    follow_deployments(s, 4000);
    auto* r = s.history.deployment("2");
    REQUIRE(r != nullptr);
    CHECK(r->status == ServiceDeploymentStatus::rollback_requested);
    CHECK(r->rollback_revision == "1");
    CHECK(r->rollback_started_at == 4000);
    CHECK(r->live_deployment_id == "ecs-svc/9");
    CHECK(r->failed_tasks == 10);
    CHECK(s.attachments.load_balancers == Json::array());  // back to the revision's

    s.deployments.front().pending_count = 1;
    follow_deployments(s, 5000);
    CHECK(s.history.deployment("2")->status == ServiceDeploymentStatus::rollback_in_progress);
    complete(s.deployments.front());
    follow_deployments(s, 6000);
    CHECK(s.history.deployment("2")->status == ServiceDeploymentStatus::rollback_successful);
    CHECK(s.history.deployment("2")->finished_at == 6000);
    // The rollback does not start a service deployment of its own.
    CHECK(s.history.deployments.size() == 2);
  }
}

TEST_CASE("roll_back: a rollback deployment of the source revision, refused when there is none", "[model][deployments]") {
  Service s = new_service();
  SECTION("the first deployment has nothing to return to") {
    auto rolled = roll_back(s, "1", "ecs-svc/8", "asked", 2000);
    REQUIRE_FALSE(rolled.has_value());
    CHECK(rolled.error().code == Code::conflict);
    CHECK(s.deployments.size() == 1);
  }
  SECTION("a finished deployment cannot be stopped") {
    complete(s.deployments.front());
    follow_deployments(s, 2000);
    auto rolled = roll_back(s, "1", "ecs-svc/8", "asked", 3000);
    REQUIRE_FALSE(rolled.has_value());
    CHECK(rolled.error().code == Code::conflict);
    CHECK(rolled.error().message == "The service deployment is SUCCESSFUL and cannot be stopped.");
  }
  SECTION("an ongoing deployment rolls back; asking again changes nothing") {
    complete(s.deployments.front());
    follow_deployments(s, 2000);
    deploy(s, "ecs-svc/2", 2, 3000);
    REQUIRE(roll_back(s, "2", "ecs-svc/8", "asked", 4000).has_value());
    REQUIRE(s.deployments.size() == 3);
    CHECK(s.deployments.front().id == "ecs-svc/8");
    CHECK(s.deployments.front().revision == 1);
    CHECK(s.deployments.front().desired_count == 2);
    CHECK(s.deployments.front().rollback_of == "ecs-svc/2");
    CHECK(s.deployments[1].status == "ACTIVE");
    const auto* r = s.history.deployment("2");
    CHECK(r->status == ServiceDeploymentStatus::rollback_requested);
    CHECK(r->rollback_reason == "asked");
    REQUIRE(roll_back(s, "2", "ecs-svc/7", "again", 5000).has_value());
    CHECK(s.deployments.size() == 3);
    // A newer deployment ends the rollback.
    deploy(s, "ecs-svc/3", 3, 6000);
    CHECK(s.history.deployment("2")->status == ServiceDeploymentStatus::rollback_failed);
  }
}

TEST_CASE("history is bounded per service and keeps only the revisions it names", "[model][deployments]") {
  Service s = new_service();
  for (int i = 2; i <= 40; ++i) {
    deploy(s, "ecs-svc/" + std::to_string(i), i, 1000 + i);
    s.deployments.resize(1);  // the scheduler drops a deployment once its tasks are gone
  }
  CHECK(s.history.deployments.size() == k_max_service_deployments);
  CHECK(s.history.deployments.front().id == "40");
  CHECK(s.history.deployments.back().id == "16");
  CHECK(s.history.revision("1") == nullptr);
  CHECK(s.history.revision("16") != nullptr);
  CHECK(s.history.revision("15") != nullptr);  // the oldest kept deployment's source
  CHECK(s.history.revisions.size() == k_max_service_deployments + 1);
}

TEST_CASE("the history bound drops finished service deployments before an unfinished one", "[model][deployments]") {
  Service s = new_service();
  for (int i = 2; i <= static_cast<int>(k_max_service_deployments); ++i) {
    deploy(s, "ecs-svc/" + std::to_string(i), i, 1000 + i);
    s.deployments.resize(1);
  }
  REQUIRE(s.history.deployments.size() == k_max_service_deployments);
  // The oldest still follows a live deployment (its tasks drain); the second oldest is finished.
  REQUIRE(s.history.deployments.back().id == "1");
  s.history.deployments.back().status = ServiceDeploymentStatus::in_progress;
  s.deployments.push_back({.id = "ecs-svc/1", .status = "ACTIVE", .family = "web", .revision = 1, .running_count = 1});
  s.deployments.insert(s.deployments.begin(), Deployment{.id = "ecs-svc/99", .family = "web", .revision = 99,
                                                         .desired_count = s.desired_count});
  record_new_deployment(s, 5000);
  CHECK(s.history.deployments.size() == k_max_service_deployments);
  CHECK(s.history.deployments.front().id == "99");
  CHECK(s.history.deployments.back().id == "1");
  CHECK(s.history.deployment("2") == nullptr);
  // DescribeServices still finds what the draining deployment runs.
  REQUIRE(revision_run_by(s, "ecs-svc/1") != nullptr);
  CHECK(revision_run_by(s, "ecs-svc/1")->revision == 1);
}

TEST_CASE("live_counts_of: the counts of the live deployment running a revision", "[model][deployments]") {
  Service s = new_service();
  s.deployments.front().running_count = 2;
  deploy(s, "ecs-svc/2", 2, 3000);
  CHECK(live_counts_of(s, "1") == RevisionCounts{2, 2, 0});
  CHECK(live_counts_of(s, "77") == RevisionCounts{});
}

TEST_CASE("service records keep attachments and history", "[model][deployments]") {
  Service s = new_service();
  s.attachments.role_arn = "arn:aws:iam::1:role/r";
  s.attachments.service_connect_configuration = {{"enabled", true}, {"namespace", "plant"}};
  deploy(s, "ecs-svc/2", 2, 3000);
  auto back = service_from_record(service_to_record(s));
  REQUIRE(back.has_value());
  CHECK(back->history == s.history);
  CHECK(back->attachments == s.attachments);

  Json broken = service_to_record(s);
  broken["history"]["deployments"][0]["status"] = "LOST";
  auto refused = service_from_record(broken);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Code::server);
  // A record written before histories were kept reads with an empty one.
  Json old = service_to_record(s);
  old.erase("history");
  old.erase("attachments");
  auto read = service_from_record(old);
  REQUIRE(read.has_value());
  CHECK(read->history.deployments.empty());
  CHECK(read->attachments == ServiceAttachments{});
}

}  // namespace deployment_history_test
