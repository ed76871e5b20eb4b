#include "sched/service_rules.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "sched/snapshot_builders.hpp"

namespace service_rules_test {

using namespace berth;
using berth::testing::FakeClock;

TEST_CASE("start throttle: three failures to start delay launches 5 s, doubling to 15 minutes", "[sched]") {
  FakeClock clock;
  const EpochMs now = clock.now_ms();
  CHECK(sched::start_throttle(2, now, 0).launch);
  CHECK_FALSE(sched::start_throttle(2, now, 0).throttled);

  auto third = sched::start_throttle(3, now, 0);
  CHECK(third.launch);
  CHECK(third.throttled);
  CHECK(third.next_launch_at == now + 5'000);

  clock.advance_ms(4'999);
  CHECK_FALSE(sched::start_throttle(3, clock.now_ms(), third.next_launch_at).launch);
  clock.advance_ms(1);
  const auto fourth = sched::start_throttle(4, clock.now_ms(), third.next_launch_at);
  CHECK(fourth.launch);
  CHECK(fourth.next_launch_at == clock.now_ms() + 10'000);
  CHECK(sched::start_throttle(5, clock.now_ms(), 0).next_launch_at == clock.now_ms() + 20'000);
  CHECK(sched::start_throttle(13, clock.now_ms(), 0).next_launch_at == clock.now_ms() + 900'000);
  CHECK(sched::start_throttle(60, clock.now_ms(), 0).next_launch_at == clock.now_ms() + 900'000);
}

TEST_CASE("circuit breaker threshold: half the desired count, at least 10, at most 200", "[sched]") {
  CHECK(sched::failure_threshold(0) == 10);
  CHECK(sched::failure_threshold(2) == 10);
  CHECK(sched::failure_threshold(21) == 11);
  CHECK(sched::failure_threshold(30) == 15);
  CHECK(sched::failure_threshold(1000) == 200);
}

TEST_CASE("a task without health checks is healthy once it has run for the settle time", "[sched]") {
  FakeClock clock;
  model::TaskState t;
  t.last_status = model::TaskStatus::running;
  t.started_at = clock.now_ms();
  clock.advance_ms(9'999);
  CHECK_FALSE(sched::is_healthy(t, true, false, clock.now_ms(), 10'000));
  CHECK(sched::is_healthy(t, false, false, clock.now_ms(), 10'000));  // an old deployment's counts while it runs
  clock.advance_ms(1);
  CHECK(sched::is_healthy(t, true, false, clock.now_ms(), 10'000));
  CHECK_FALSE(sched::is_healthy(t, true, true, clock.now_ms(), 10'000));  // with checks, only HEALTHY counts
  t.health_status = "HEALTHY";
  CHECK(sched::is_healthy(t, true, true, clock.now_ms(), 10'000));
  t.health_status = "UNHEALTHY";
  CHECK_FALSE(sched::is_healthy(t, false, true, clock.now_ms(), 10'000));
}

TEST_CASE("failed starts: own failures within 10 s of starting, since the given time", "[sched]") {
  model::ClusterSnapshot snapshot;
  const auto service = testing::make_service("web", 1);
  const auto stopped = [&](const std::string& id, const std::string& code, EpochMs ran_ms, EpochMs created) {
    auto t = testing::make_task(id, "i1", service, "ecs-svc/1", model::TaskStatus::stopped);
    t.desired_status = model::TaskStatus::stopped;
    t.stop_code = code;
    t.created_at = created;
    t.started_at = created;
    t.stopping_at = created + ran_ms;
    snapshot.tasks.push_back(t);
  };
  stopped("a", "EssentialContainerExited", 100, 1'000);
  stopped("b", "TaskFailedToStart", 0, 2'000);
  stopped("c", "EssentialContainerExited", 10'000, 3'000);  // ran: a crash, not a failure to start
  stopped("d", "ServiceSchedulerInitiated", 100, 4'000);    // stopped by the scheduler
  CHECK(sched::failed_starts(snapshot, service, "ecs-svc/1", 0) == 2);
  CHECK(sched::failed_starts(snapshot, service, "ecs-svc/1", 1'500) == 1);
  CHECK(sched::failed_starts(snapshot, service, "ecs-svc/2", 0) == 0);
}

}  // namespace service_rules_test
