#include "sched/task_set_reconcile.hpp"

#include <catch2/catch.hpp>

namespace task_set_reconcile_test {

using namespace berth::sched;

namespace {

TaskView task(const std::string& id, const std::string& set, bool healthy = true, int rank = 0, bool protect = false) {
  return {id, set, healthy, rank, protect};
}

// A task of `set` on a DRAINING container instance.
TaskView on_drained_instance(const std::string& id, const std::string& set, bool healthy = true) {
  auto t = task(id, set, healthy);
  t.on_draining_instance = true;
  return t;
}

std::vector<std::string> stopped(const TaskSetReconciliation& r) {
  std::vector<std::string> out;
  for (const auto& [id, why] : r.stop) out.push_back(id);
  return out;
}

}  // namespace

TEST_CASE("each task set starts what its count lacks, independently", "[sched][task_sets]") {
  const auto r = reconcile_task_sets({{"blue", 9}, {"green", 1}}, {task("b1", "blue"), task("b2", "blue")}, {});
  CHECK(r.start == std::map<std::string, int>{{"blue", 7}, {"green", 1}});
  CHECK(r.stop.empty());
  CHECK_FALSE(r.steady);
}

TEST_CASE("a task set scales in unhealthy tasks first, then in the strategy's order", "[sched][task_sets]") {
  const auto r = reconcile_task_sets({{"blue", 1}},
                                     {task("b1", "blue", true, 0), task("b2", "blue", true, 2), task("b3", "blue", false, 5)},
                                     {});
  CHECK(stopped(r) == std::vector<std::string>{"b3", "b1"});
  CHECK(r.stop.front().second == "Task set scaled in");
  CHECK(r.start.empty());
}

TEST_CASE("protected tasks stay while their task set scales in", "[sched][task_sets]") {
  const auto r = reconcile_task_sets({{"blue", 0}}, {task("b1", "blue", true, 0, true), task("b2", "blue", true, 1)}, {});
  CHECK(stopped(r) == std::vector<std::string>{"b2"});
  CHECK(r.held_by_protection == 1);
  CHECK_FALSE(r.steady);
  // Protection does not hold against deleting the service.
  const auto deleting = reconcile_task_sets({{"blue", 0}}, {task("b1", "blue", true, 0, true)}, {true});
  CHECK(stopped(deleting) == std::vector<std::string>{"b1"});
  CHECK(deleting.held_by_protection == 0);
}

TEST_CASE("a DRAINING task set stops all its tasks, protected or not, and is gone once none is left", "[sched][task_sets]") {
  const auto draining = reconcile_task_sets({{"blue", 0, true}, {"green", 1}},
                                            {task("b1", "blue", true, 0, true), task("g1", "green")}, {});
  CHECK(stopped(draining) == std::vector<std::string>{"b1"});
  CHECK(draining.stop.front().second == "Task set deleted");
  CHECK(draining.drained.empty());
  CHECK_FALSE(draining.steady);
  const auto drained = reconcile_task_sets({{"blue", 0, true}, {"green", 1}}, {task("g1", "green")}, {});
  CHECK(drained.drained == std::vector<std::string>{"blue"});
  CHECK(drained.stop.empty());
}

TEST_CASE("tasks of no task set stop", "[sched][task_sets]") {
  const auto r = reconcile_task_sets({{"green", 1}}, {task("g1", "green"), task("x1", "ecs-svc/gone")}, {});
  CHECK(stopped(r) == std::vector<std::string>{"x1"});
  CHECK(r.stop.front().second == "Task set deleted");
}

TEST_CASE("task sets are steady when each holds its count of healthy tasks", "[sched][task_sets]") {
  CHECK(reconcile_task_sets({{"blue", 1}, {"green", 1}}, {task("b1", "blue"), task("g1", "green")}, {}).steady);
  CHECK_FALSE(reconcile_task_sets({{"blue", 1}}, {task("b1", "blue", false)}, {}).steady);  // still pending
  CHECK(reconcile_task_sets({}, {}, {}).steady);
}

TEST_CASE("a deleted task set's protected task stops while another set grows", "[sched][task_sets]") {
  // The protected task of no set and of the DRAINING set both go; green starts what it lacks.
  const auto r = reconcile_task_sets({{"blue", 0, true}, {"green", 2}},
                                     {task("b1", "blue", true, 0, true), task("x1", "ecs-svc/gone", true, 1, true)}, {});
  CHECK(stopped(r) == std::vector<std::string>{"x1", "b1"});
  CHECK(r.held_by_protection == 0);
  CHECK(r.start == std::map<std::string, int>{{"green", 2}});
}

TEST_CASE("tasks on a DRAINING instance are replaced first, then stopped within minimumHealthyPercent", "[sched][task_sets]") {
  // 100 %/200 %: the replacement starts beside the drained task, which stays while it is the
  // only healthy one.
  const auto first = reconcile_task_sets({{"blue", 2}}, {task("b1", "blue"), on_drained_instance("b2", "blue")}, {});
  CHECK(first.start == std::map<std::string, int>{{"blue", 1}});
  CHECK(first.stop.empty());
  CHECK_FALSE(first.steady);
  // The replacement is pending: the drained task still stays.
  const auto pending = reconcile_task_sets({{"blue", 2}}, {task("b1", "blue"), on_drained_instance("b2", "blue"), task("b3", "blue", false)}, {});
  CHECK(pending.start.empty());
  CHECK(pending.stop.empty());
  CHECK_FALSE(pending.steady);
  // Once it runs, the drained task stops; protection does not hold there.
  auto protected_drained = on_drained_instance("b2", "blue");
  protected_drained.protected_from_scale_in = true;
  const auto replaced = reconcile_task_sets({{"blue", 2}}, {task("b1", "blue"), protected_drained, task("b3", "blue")}, {});
  CHECK(stopped(replaced) == std::vector<std::string>{"b2"});
  CHECK(replaced.stop.front().second == "Container instance is draining");
  CHECK(replaced.start.empty());
}

TEST_CASE("draining replacements keep within maximumPercent; minimumHealthyPercent 0 stops at once", "[sched][task_sets]") {
  // 100 %/100 %: no room to start beside it and no healthy task to spare, as for REPLICA.
  const auto stuck = reconcile_task_sets({{"blue", 1}}, {on_drained_instance("b1", "blue")}, {false, 100, 100});
  CHECK(stuck.start.empty());
  CHECK(stuck.stop.empty());
  CHECK_FALSE(stuck.steady);
  // 0 %/100 %: stop first, then the room frees for the replacement in the same plan.
  const auto stop_first = reconcile_task_sets({{"blue", 1}}, {on_drained_instance("b1", "blue")}, {false, 100, 0});
  CHECK(stopped(stop_first) == std::vector<std::string>{"b1"});
  CHECK(stop_first.start == std::map<std::string, int>{{"blue", 1}});
  // A pending task on a draining instance costs no healthy capacity: it stops at once.
  const auto pending = reconcile_task_sets({{"blue", 1}}, {on_drained_instance("b1", "blue", false)}, {});
  CHECK(stopped(pending) == std::vector<std::string>{"b1"});
  CHECK(pending.start == std::map<std::string, int>{{"blue", 1}});
}

TEST_CASE("a drained task beyond its set's count goes without a replacement", "[sched][task_sets]") {
  const auto r = reconcile_task_sets({{"blue", 1}, {"green", 1}},
                                     {task("b1", "blue"), on_drained_instance("b2", "blue"), task("g1", "green")}, {});
  CHECK(stopped(r) == std::vector<std::string>{"b2"});
  CHECK(r.start.empty());
  // A drained task of a DRAINING set is that set's, stopped as deleted.
  const auto deleted = reconcile_task_sets({{"blue", 0, true}}, {on_drained_instance("b1", "blue")}, {});
  CHECK(stopped(deleted) == std::vector<std::string>{"b1"});
  CHECK(deleted.stop.front().second == "Task set deleted");
}

}  // namespace task_set_reconcile_test
