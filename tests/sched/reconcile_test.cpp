#include "sched/reconcile.hpp"

#include <set>

#include <catch2/catch.hpp>

namespace reconcile_test {

using namespace berth::sched;

namespace {

ServiceView service(int desired, int max = 200, int min = 100, std::vector<std::string> deployments = {"new"}) {
  ServiceView s;
  s.desired_count = desired;
  s.maximum_percent = max;
  s.minimum_healthy_percent = min;
  for (auto& d : deployments) s.deployments.push_back({d});
  return s;
}

std::vector<TaskView> tasks(const std::string& deployment, int healthy, int pending = 0) {
  std::vector<TaskView> out;
  for (int i = 0; i < healthy; ++i) out.push_back({deployment + "-h" + std::to_string(i), deployment, true});
  for (int i = 0; i < pending; ++i) out.push_back({deployment + "-p" + std::to_string(i), deployment, false});
  return out;
}

std::vector<TaskView> operator+(std::vector<TaskView> a, const std::vector<TaskView>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// `count` healthy tasks of `deployment` in rank order, those at the positions `protected_at` protected.
std::vector<TaskView> ranked(const std::string& deployment, int count, std::set<int> protected_at = {}) {
  std::vector<TaskView> out;
  for (int i = 0; i < count; ++i) out.push_back({deployment + std::to_string(i), deployment, true, i, protected_at.contains(i)});
  return out;
}

std::vector<std::string> stopped(const Reconciliation& plan) {
  std::vector<std::string> out;
  for (const auto& [id, why] : plan.stop) out.push_back(id);
  return out;
}

}  // namespace

TEST_CASE("reconcile: keeps desiredCount, replacing what is missing", "[sched]") {
  auto plan = reconcile(service(3), tasks("new", 1));
  CHECK(plan.start.at("new") == 2);
  CHECK(plan.stop.empty());
  CHECK_FALSE(reconcile(service(3), tasks("new", 3)).start.contains("new"));
}

TEST_CASE("reconcile: scale-in stops pending and unhealthy tasks first", "[sched]") {
  auto plan = reconcile(service(2), tasks("new", 2, 1));
  REQUIRE(plan.stop.size() == 1);
  CHECK(plan.stop[0].first == "new-p0");
}

TEST_CASE("reconcile: among healthy tasks, scale-in follows the placement strategy's order", "[sched]") {
  auto running = tasks("new", 4);
  const int rank_of[] = {2, 0, 3, 1};  // e.g. spread: h1 and h3 sit on the fullest instances
  for (std::size_t i = 0; i < running.size(); ++i) running[i].scale_in_rank = rank_of[i];
  auto plan = reconcile(service(2), running);
  REQUIRE(plan.stop.size() == 2);
  CHECK(plan.stop[0].first == "new-h1");
  CHECK(plan.stop[1].first == "new-h3");
  // Unhealthy tasks still go before any healthy one, whatever their rank.
  running[0].healthy = false;
  plan = reconcile(service(3), running);
  REQUIRE(plan.stop.size() == 1);
  CHECK(plan.stop[0].first == "new-h0");
}

TEST_CASE("reconcile: a rolling deployment at 100/200 starts new tasks before stopping old ones", "[sched]") {
  auto s = service(3, 200, 100, {"new", "old"});
  auto first = reconcile(s, tasks("old", 3));
  CHECK(first.start.at("new") == 3);
  CHECK(first.stop.empty());
  // New tasks pending: old ones must stay for minimumHealthyPercent.
  auto waiting = reconcile(s, tasks("old", 3) + tasks("new", 0, 3));
  CHECK(waiting.stop.empty());
  // New tasks healthy: the old ones go and the old deployment finishes.
  auto done = reconcile(s, tasks("old", 3) + tasks("new", 3));
  CHECK(done.stop.size() == 3);
  for (const auto& [id, _] : done.stop) CHECK(id.rfind("old", 0) == 0);
  CHECK(done.finished_deployments == std::vector<std::string>{"old"});
}

TEST_CASE("reconcile: 50/100 stops old tasks to make room", "[sched]") {
  auto s = service(4, 100, 50, {"new", "old"});
  auto plan = reconcile(s, tasks("old", 4));
  CHECK(plan.stop.size() == 2);
  CHECK(plan.start.at("new") == 2);
}

TEST_CASE("reconcile: unhealthy old tasks may always be stopped; draining stops all", "[sched]") {
  auto s = service(2, 200, 100, {"new", "old"});
  std::vector<TaskView> mixed = {{"o1", "old", false}, {"o2", "old", true}};
  auto plan = reconcile(s, mixed);
  REQUIRE(plan.stop.size() == 1);
  CHECK(plan.stop[0].first == "o1");
  auto drained = service(0);
  drained.draining = true;
  CHECK(reconcile(drained, tasks("new", 2)).stop.size() == 2);
}

TEST_CASE("reconcile property: never above maximumPercent, never below minimumHealthyPercent by its own stops", "[sched]") {
  auto desired = GENERATE(1, 2, 3, 5, 8);
  auto max = GENERATE(100, 150, 200);
  auto min = GENERATE(0, 50, 100);
  if (max == 100 && min == 100) return;  // cannot roll, as in ECS
  auto s = service(desired, max, min, {"new", "old"});
  auto old = tasks("old", desired);
  int healthy_before = desired;
  auto plan = reconcile(s, old);
  int stopped_healthy = 0;
  for (const auto& [id, _] : plan.stop) stopped_healthy += id.find("-h") != std::string::npos ? 1 : 0;
  const int live_after = desired - static_cast<int>(plan.stop.size()) + plan.start["new"];
  CHECK(live_after <= std::max(desired * max / 100, desired));
  CHECK(healthy_before - stopped_healthy >= (desired * min + 99) / 100);
}

TEST_CASE("reconcile: a deployment with tasks left is not finished", "[sched]") {
  auto s = service(2, 200, 100, {"new", "old", "draining-instance"});
  auto plan = reconcile(s, tasks("old", 2));
  CHECK(plan.start.at("new") == 2);
  CHECK(plan.stop.empty());
  CHECK(plan.finished_deployments == std::vector<std::string>{"draining-instance"});
}

TEST_CASE("reconcile: tasks on a draining instance are replaced first, then stopped", "[sched]") {
  // The scheduler presents them as the pseudo-deployment "draining-instance".
  auto s = service(2, 200, 100, {"new", "draining-instance"});
  std::vector<TaskView> live = {{"a", "new", true}, {"d", "draining-instance", true}};
  auto first = reconcile(s, live);
  CHECK(first.start.at("new") == 1);  // a replacement for the drained one
  CHECK(first.stop.empty());          // minimumHealthyPercent 100 keeps it until then
  live.push_back({"b", "new", true});
  auto then = reconcile(s, live);
  REQUIRE(then.stop.size() == 1);
  CHECK(then.stop[0].first == "d");
}

TEST_CASE("reconcile: scale-in passes over protected tasks to the next in order", "[sched][protection]") {
  // Rank order would stop new0 and new1; new0 is protected, so new1 and new2 go.
  const auto plan = reconcile(service(2), ranked("new", 4, {0}));
  CHECK(stopped(plan) == std::vector<std::string>{"new1", "new2"});
  CHECK(plan.held_by_protection == 0);
  CHECK(plan.start.empty());
}

TEST_CASE("reconcile: when only protected tasks are left above desired, the service waits", "[sched][protection]") {
  // Three tasks, desired 1, two protected: the unprotected one stops, one protected task too many stays.
  auto plan = reconcile(service(1), ranked("new", 3, {0, 1}));
  CHECK(stopped(plan) == std::vector<std::string>{"new2"});
  CHECK(plan.held_by_protection == 1);
  CHECK_FALSE(plan.start.contains("new"));  // over desired: nothing starts
  // All protected, desired 0: nothing stops, all three held.
  plan = reconcile(service(0), ranked("new", 3, {0, 1, 2}));
  CHECK(plan.stop.empty());
  CHECK(plan.held_by_protection == 3);
  // Protection removed from one: it goes at once.
  plan = reconcile(service(1), ranked("new", 2, {0}));
  CHECK(stopped(plan) == std::vector<std::string>{"new1"});
  CHECK(plan.held_by_protection == 0);
}

TEST_CASE("reconcile: a deployment does not replace protected tasks, and is not finished while they run",
          "[sched][protection]") {
  // Two new healthy tasks, two old ones, old0 protected: only old1 is replaced.
  auto plan = reconcile(service(2, 200, 100, {"new", "old"}), ranked("new", 2) + ranked("old", 2, {0}));
  CHECK(stopped(plan) == std::vector<std::string>{"old1"});
  CHECK(plan.held_by_protection == 1);
  CHECK(plan.finished_deployments.empty());
  // Its protection gone, it is replaced and the old deployment ends.
  plan = reconcile(service(2, 200, 100, {"new", "old"}), ranked("new", 2) + ranked("old", 1));
  CHECK(stopped(plan) == std::vector<std::string>{"old0"});
  CHECK(plan.finished_deployments == std::vector<std::string>{"old"});
}

TEST_CASE("reconcile: protected old tasks count as running, so new tasks start only within maximumPercent",
          "[sched][protection]") {
  // maximumPercent 150: at most 3 tasks.
  const auto plan = reconcile(service(2, 150, 100, {"new", "old"}), ranked("old", 2, {0, 1}));
  CHECK(plan.stop.empty());
  CHECK(plan.start.at("new") == 1);
  CHECK(plan.held_by_protection == 2);
}

TEST_CASE("reconcile: deleting a service stops protected tasks too", "[sched][protection]") {
  auto view = service(2);
  view.draining = true;
  const auto plan = reconcile(view, ranked("new", 2, {0, 1}));
  CHECK(plan.stop.size() == 2);
  CHECK(plan.held_by_protection == 0);
}

}  // namespace reconcile_test
