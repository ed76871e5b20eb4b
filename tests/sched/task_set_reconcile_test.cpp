#include "sched/task_set_reconcile.hpp"

#include <catch2/catch.hpp>

using namespace berth::sched;

namespace {

TaskView task(const std::string& id, const std::string& set, bool healthy = true, int rank = 0, bool protect = false) {
  return {id, set, healthy, rank, protect};
}

std::vector<std::string> stopped(const TaskSetReconciliation& r) {
  std::vector<std::string> out;
  for (const auto& [id, why] : r.stop) out.push_back(id);
  return out;
}

}  // namespace

TEST_CASE("each task set starts what its count lacks, independently", "[sched][task_sets]") {
  const auto r = reconcile_task_sets({{"blue", 9}, {"green", 1}}, {task("b1", "blue"), task("b2", "blue")}, false);
  CHECK(r.start == std::map<std::string, int>{{"blue", 7}, {"green", 1}});
  CHECK(r.stop.empty());
  CHECK_FALSE(r.steady);
}

TEST_CASE("a task set scales in unhealthy tasks first, then in the strategy's order", "[sched][task_sets]") {
  const auto r = reconcile_task_sets({{"blue", 1}},
                                     {task("b1", "blue", true, 0), task("b2", "blue", true, 2), task("b3", "blue", false, 5)},
                                     false);
  CHECK(stopped(r) == std::vector<std::string>{"b3", "b1"});
  CHECK(r.stop.front().second == "Task set scaled in");
  CHECK(r.start.empty());
}

TEST_CASE("protected tasks stay while their task set scales in", "[sched][task_sets]") {
  const auto r = reconcile_task_sets({{"blue", 0}}, {task("b1", "blue", true, 0, true), task("b2", "blue", true, 1)}, false);
  CHECK(stopped(r) == std::vector<std::string>{"b2"});
  CHECK(r.held_by_protection == 1);
  CHECK_FALSE(r.steady);
  // Protection does not hold against deleting the service.
  const auto deleting = reconcile_task_sets({{"blue", 0}}, {task("b1", "blue", true, 0, true)}, true);
  CHECK(stopped(deleting) == std::vector<std::string>{"b1"});
  CHECK(deleting.held_by_protection == 0);
}

TEST_CASE("a DRAINING task set stops all its tasks, protected or not, and is gone once none is left", "[sched][task_sets]") {
  const auto draining = reconcile_task_sets({{"blue", 0, true}, {"green", 1}},
                                            {task("b1", "blue", true, 0, true), task("g1", "green")}, false);
  CHECK(stopped(draining) == std::vector<std::string>{"b1"});
  CHECK(draining.stop.front().second == "Task set deleted");
  CHECK(draining.drained.empty());
  CHECK_FALSE(draining.steady);
  const auto drained = reconcile_task_sets({{"blue", 0, true}, {"green", 1}}, {task("g1", "green")}, false);
  CHECK(drained.drained == std::vector<std::string>{"blue"});
  CHECK(drained.stop.empty());
}

TEST_CASE("tasks of no task set stop", "[sched][task_sets]") {
  const auto r = reconcile_task_sets({{"green", 1}}, {task("g1", "green"), task("x1", "ecs-svc/gone")}, false);
  CHECK(stopped(r) == std::vector<std::string>{"x1"});
  CHECK(r.stop.front().second == "Task set deleted");
}

TEST_CASE("task sets are steady when each holds its count of healthy tasks", "[sched][task_sets]") {
  CHECK(reconcile_task_sets({{"blue", 1}, {"green", 1}}, {task("b1", "blue"), task("g1", "green")}, false).steady);
  CHECK_FALSE(reconcile_task_sets({{"blue", 1}}, {task("b1", "blue", false)}, false).steady);  // still pending
  CHECK(reconcile_task_sets({}, {}, false).steady);
}
