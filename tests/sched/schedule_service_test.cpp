#include "sched/service_scheduler.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "sched/snapshot_builders.hpp"

namespace schedule_service_test {

using namespace berth;
using berth::testing::FakeClock;

namespace {

const ArnScope k_arns{"local", "000000000000"};

struct Scheduling {
  FakeClock clock;
  std::mt19937_64 rng{7};
  int next_id = 0;
  sched::ServiceSchedulerSettings settings;

  Result<sched::Plan> schedule(const model::ClusterSnapshot& snapshot, const std::string& service) {
    const auto& s = *std::find_if(snapshot.services.begin(), snapshot.services.end(),
                                  [&](const model::ServiceState& x) { return x.name == service; });
    return sched::schedule_service(snapshot, s, clock.now_ms(), settings, k_arns, rng,
                                   [this] { return "t" + std::to_string(++next_id); });
  }
};

model::ClusterSnapshot cluster_with(std::vector<model::InstanceState> instances, model::ServiceState service) {
  model::ClusterSnapshot snapshot;
  snapshot.cluster = "default";
  snapshot.instances = std::move(instances);
  snapshot.definitions[{"web", 1}] = testing::make_definition("web", 1);
  snapshot.services.push_back(std::move(service));
  return snapshot;
}

bool has_event(const sched::Plan& plan, const std::string& text) {
  if (!plan.service) return false;
  return std::any_of(plan.service->events.begin(), plan.service->events.end(),
                     [&](const std::string& e) { return e.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE_METHOD(Scheduling, "replica: missing tasks are placed, and what does not fit is an event with ECS's reasons", "[sched]") {
  // Two instances with room for one 64 MiB task each; three wanted.
  auto snapshot = cluster_with({testing::make_instance("a", 1024, 64), testing::make_instance("b", 1024, 64)},
                               testing::make_service("web", 3));
  auto plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  REQUIRE(plan->starts.size() == 2);
  CHECK(plan->starts[0].instance_id != plan->starts[1].instance_id);
  CHECK(plan->starts[0].group == "service:web");
  CHECK(plan->starts[0].started_by == "ecs-svc/1");
  REQUIRE(plan->service);
  CHECK(plan->service->events.front() == "(service web) has started 2 tasks: (task t1) (task t2).");
  // Each instance once, in the order the last placement attempt rejected them.
  const std::string a = R"({"arn":"arn:aws:ecs:local:000000000000:container-instance/default/a","reason":"RESOURCE:MEMORY"})";
  const std::string b = R"({"arn":"arn:aws:ecs:local:000000000000:container-instance/default/b","reason":"RESOURCE:MEMORY"})";
  const std::string unable = "(service web) was unable to place a task because no container instance met all of its "
                             "requirements. Reasons: ";
  const auto& last = plan->service->events.back();
  CHECK((last == unable + "[" + a + "," + b + "]." || last == unable + "[" + b + "," + a + "]."));
  CHECK(plan->service->state.deployments.front().pending_count == 2);
}

TEST_CASE_METHOD(Scheduling, "replica at its desired count and steady plans nothing", "[sched]") {
  auto service = testing::make_service("web", 1);
  service.deployments.front().rollout_state = "COMPLETED";
  service.deployments.front().running_count = 1;
  auto snapshot = cluster_with({testing::make_instance("a")}, service);
  auto task = testing::make_task("t0", "a", service, "ecs-svc/1");
  task.started_at = clock.now_ms();
  testing::add_task(snapshot, task);
  clock.advance_ms(60'000);
  auto plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  CHECK(plan->empty());
}

TEST_CASE_METHOD(Scheduling, "replica: tasks that keep failing to start are throttled, then launched after the back-off", "[sched]") {
  auto snapshot = cluster_with({testing::make_instance("a")}, testing::make_service("web", 1));
  for (int i = 0; i < 3; ++i) {
    auto t = testing::make_task("f" + std::to_string(i), "a", snapshot.services.front(), "ecs-svc/1", model::TaskStatus::stopped);
    t.desired_status = model::TaskStatus::stopped;
    t.stop_code = "EssentialContainerExited";
    t.created_at = clock.now_ms();
    testing::add_task(snapshot, t);
  }
  auto first = schedule(snapshot, "web");
  REQUIRE(first.has_value());
  CHECK(first->starts.size() == 1);  // the launch that arms the throttle
  REQUIRE(first->service);
  CHECK(first->service->state.next_launch_at == clock.now_ms() + 5'000);
  CHECK(has_event(*first, "(service web) is unable to consistently start tasks successfully."));

  // The launch failed too (not in this snapshot: the throttle is what counts).
  snapshot.services.front().next_launch_at = first->service->state.next_launch_at;
  clock.advance_ms(4'000);
  auto waiting = schedule(snapshot, "web");
  REQUIRE(waiting.has_value());
  CHECK(waiting->starts.empty());

  clock.advance_ms(1'000);
  auto again = schedule(snapshot, "web");
  REQUIRE(again.has_value());
  CHECK(again->starts.size() == 1);

  // UpdateService resets the throttle: the failures before it no longer count.
  snapshot.services.front().throttle_reset_at = clock.now_ms() + 1;
  snapshot.services.front().next_launch_at = clock.now_ms() + 900'000;
  auto reset = schedule(snapshot, "web");
  REQUIRE(reset.has_value());
  CHECK(reset->starts.size() == 1);
}

TEST_CASE_METHOD(Scheduling, "daemon: a new instance gets its task, and none goes where the constraint fails", "[sched]") {
  auto service = testing::make_service("agent", 1);
  service.scheduling_strategy = "DAEMON";
  service.placement_constraints.push_back({"memberOf", "attribute:role == sensor-hub"});
  auto hub = testing::make_instance("a");
  hub.attributes["role"] = "sensor-hub";
  auto snapshot = cluster_with({hub}, service);
  testing::add_task(snapshot, testing::make_task("t0", "a", service, "ecs-svc/1"));
  auto steady = schedule(snapshot, "agent");
  REQUIRE(steady.has_value());
  CHECK(steady->starts.empty());

  // Two instances join: one matching the constraint, one not.
  auto second_hub = testing::make_instance("b");
  second_hub.attributes["role"] = "sensor-hub";
  snapshot.instances.push_back(second_hub);
  snapshot.instances.push_back(testing::make_instance("c"));
  auto joined = schedule(snapshot, "agent");
  REQUIRE(joined.has_value());
  REQUIRE(joined->starts.size() == 1);
  CHECK(joined->starts.front().instance_id == "b");
  REQUIRE(joined->service);
  CHECK(joined->service->state.desired_count == 2);
  CHECK(joined->service->events.front() == "(service agent) has started 1 tasks: (task t1).");
}

TEST_CASE_METHOD(Scheduling, "daemon: a draining instance's task stops", "[sched]") {
  auto service = testing::make_service("agent", 1);
  service.scheduling_strategy = "DAEMON";
  auto snapshot = cluster_with({testing::make_instance("a")}, service);
  snapshot.instances.front().status = model::InstanceStatus::draining;
  testing::add_task(snapshot, testing::make_task("t0", "a", service, "ecs-svc/1"));
  auto plan = schedule(snapshot, "agent");
  REQUIRE(plan.has_value());
  REQUIRE(plan->stops.size() == 1);
  CHECK(plan->stops.front().reason == "instance is draining");
  CHECK(plan->starts.empty());
  CHECK(plan->service->state.desired_count == 0);
}

TEST_CASE_METHOD(Scheduling, "a lost (disconnected) instance takes no task: replicas and daemons go elsewhere", "[sched]") {
  auto lost = testing::make_instance("a");
  lost.agent_connected = false;
  auto snapshot = cluster_with({lost, testing::make_instance("b")}, testing::make_service("web", 2));
  auto replicas = schedule(snapshot, "web");
  REQUIRE(replicas.has_value());
  REQUIRE(replicas->starts.size() == 2);
  for (const auto& start : replicas->starts) CHECK(start.instance_id == "b");

  auto daemon = testing::make_service("agent", 1);
  daemon.scheduling_strategy = "DAEMON";
  auto daemons = cluster_with({lost, testing::make_instance("b")}, daemon);
  testing::add_task(daemons, testing::make_task("t0", "a", daemon, "ecs-svc/1"));
  auto plan = schedule(daemons, "agent");
  REQUIRE(plan.has_value());
  REQUIRE(plan->starts.size() == 1);
  CHECK(plan->starts.front().instance_id == "b");
  REQUIRE(plan->stops.size() == 1);
  CHECK(plan->stops.front().reason == "instance's agent is disconnected");
  CHECK(plan->service->state.desired_count == 1);
}

TEST_CASE_METHOD(Scheduling, "circuit breaker: the threshold of failed starts fails the deployment and rolls back", "[sched]") {
  auto service = testing::make_service("web", 2, "ecs-svc/new");
  service.circuit_breaker = true;
  service.rollback = true;
  model::Deployment previous;
  previous.id = "ecs-svc/old";
  previous.status = "ACTIVE";
  previous.family = "web";
  previous.revision = 1;
  previous.rollout_state = "COMPLETED";
  service.deployments.push_back(previous);
  auto snapshot = cluster_with({testing::make_instance("a", 4096, 4096)}, service);
  for (const auto* id : {"o1", "o2"}) testing::add_task(snapshot, testing::make_task(id, "a", service, "ecs-svc/old"));
  const auto fail_one = [&](int i) {
    auto t = testing::make_task("f" + std::to_string(i), "a", service, "ecs-svc/new", model::TaskStatus::stopped);
    t.desired_status = model::TaskStatus::stopped;
    t.stop_code = "TaskFailedToStart";
    testing::add_task(snapshot, t);
  };
  for (int i = 0; i < 9; ++i) fail_one(i);
  auto below = schedule(snapshot, "web");
  REQUIRE(below.has_value());
  REQUIRE(below->service);
  CHECK(below->service->state.deployments.front().rollout_state == "IN_PROGRESS");
  CHECK(below->service->state.deployments.front().failed_tasks == 9);

  fail_one(9);
  auto tripped = schedule(snapshot, "web");
  REQUIRE(tripped.has_value());
  REQUIRE(tripped->service);
  const auto& deployments = tripped->service->state.deployments;
  REQUIRE(deployments.size() == 3);
  CHECK(deployments[1].id == "ecs-svc/new");
  CHECK(deployments[1].rollout_state == "FAILED");
  CHECK(deployments[0].family == "web");
  CHECK(deployments[0].id.starts_with("ecs-svc/"));
  CHECK(deployments[0].id.size() == 8 + 19);
  CHECK(has_event(*tripped, "(service web) deployment ecs-svc/new deployment failed: tasks failed to start."));
  CHECK(has_event(*tripped, "(service web) rolling back to deployment ecs-svc/old."));
}

TEST_CASE_METHOD(Scheduling, "an event already the newest is not added again", "[sched]") {
  auto snapshot = cluster_with({}, testing::make_service("web", 1));
  auto first = schedule(snapshot, "web");
  REQUIRE(first.has_value());
  REQUIRE(first->service);
  REQUIRE(first->service->events.size() == 1);  // no instance: unable to place
  snapshot.services.front() = first->service->state;
  snapshot.services.front().latest_event = first->service->events.front();
  auto second = schedule(snapshot, "web");
  REQUIRE(second.has_value());
  CHECK_FALSE(second->service);  // nothing changes: nothing is written
}

namespace {

// web: three running tasks on instance a, desired 1, started at `started`; t0 and t1 protected
// until `until`.
model::ClusterSnapshot with_protected_tasks(EpochMs started, EpochMs until) {
  auto snapshot = cluster_with({testing::make_instance("a")}, testing::make_service("web", 1));
  for (int i = 0; i < 3; ++i) {
    auto task = testing::make_task("t" + std::to_string(i), "a", snapshot.services.front(), "ecs-svc/1");
    task.created_at = task.started_at.emplace(started);
    if (i < 2) task.protected_until = until;
    testing::add_task(snapshot, task);
  }
  return snapshot;
}

// The snapshot as committing `plan` leaves it: its stops gone, its service state and newest event kept.
void commit(model::ClusterSnapshot& snapshot, const sched::Plan& plan) {
  for (const auto& stop : plan.stops) {
    std::erase_if(snapshot.tasks, [&](const model::TaskState& t) { return t.id == stop.task_id; });
  }
  if (!plan.service) return;
  snapshot.services.front() = plan.service->state;
  if (!plan.service->events.empty()) snapshot.services.front().latest_event = plan.service->events.back();
}

}  // namespace

TEST_CASE_METHOD(Scheduling, "replica: protected tasks survive scale-in until their protection lapses", "[sched][protection]") {
  const EpochMs set_at = clock.now_ms();
  auto snapshot = with_protected_tasks(set_at, set_at + 10 * 60'000);
  clock.advance_ms(60'000);  // past the settle time: all healthy
  auto plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  REQUIRE(plan->stops.size() == 1);
  CHECK(plan->stops[0].task_id == "t2");
  CHECK(plan->stops[0].unless_protected);  // the commit re-checks it
  CHECK(plan->starts.empty());
  REQUIRE(plan->service);
  CHECK(plan->service->events == std::vector<std::string>{
                                     "(service web) has stopped 1 running tasks: (task t2).",
                                     "(service web) was unable to scale in due to (reason: 1 tasks under protection)."});
  commit(snapshot, *plan);

  // Still protected: nothing changes, nothing is written (the event is already the newest).
  clock.advance_ms(8 * 60'000);
  plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  CHECK(plan->empty());

  // At the time it was set to, protection has lapsed (no write made it so): one more stops.
  clock.advance_ms(60'000);
  plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  REQUIRE(plan->stops.size() == 1);
  CHECK((plan->stops[0].task_id == "t0" || plan->stops[0].task_id == "t1"));
  REQUIRE(plan->service);
  CHECK(plan->service->state.deployments.front().running_count == 1);
  commit(snapshot, *plan);
  plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  CHECK(plan->stops.empty());
}

TEST_CASE_METHOD(Scheduling, "replica: a draining instance's protected tasks are still replaced", "[sched][protection]") {
  auto snapshot = with_protected_tasks(clock.now_ms(), clock.now_ms() + 10 * 60'000);
  snapshot.instances.front().status = model::InstanceStatus::draining;
  snapshot.services.front().desired_count = 3;
  snapshot.services.front().minimum_healthy_percent = 0;
  auto plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  CHECK(plan->stops.size() == 3);
  for (const auto& stop : plan->stops) CHECK_FALSE(stop.unless_protected);
}

TEST_CASE_METHOD(Scheduling, "daemon: the new revision waits while the old task is still stopping", "[sched]") {
  auto service = testing::make_service("agent", 1, "ecs-svc/new");
  service.scheduling_strategy = "DAEMON";
  auto snapshot = cluster_with({testing::make_instance("a")}, service);
  // The old revision's stop has committed, its container still runs out its stopTimeout.
  auto old = testing::make_task("t0", "a", service, "ecs-svc/old");
  old.desired_status = model::TaskStatus::stopped;
  testing::add_task(snapshot, old);
  auto waiting = schedule(snapshot, "agent");
  REQUIRE(waiting.has_value());
  CHECK(waiting->starts.empty());
  CHECK(waiting->stops.empty());
  // Once it is STOPPED, the new revision's task starts.
  snapshot.tasks.front().last_status = model::TaskStatus::stopped;
  auto replaced = schedule(snapshot, "agent");
  REQUIRE(replaced.has_value());
  REQUIRE(replaced->starts.size() == 1);
  CHECK(replaced->starts.front().instance_id == "a");
  CHECK(replaced->starts.front().started_by == "ecs-svc/new");
}

namespace {

// web with the EXTERNAL controller and task sets blue and green (scales in percent of 2 tasks).
model::ServiceState external_service(double blue_percent, double green_percent) {
  model::ServiceState s;
  s.name = "web";
  s.desired_count = 2;
  s.external = true;
  for (const auto& [id, percent] : {std::pair{"blue", blue_percent}, std::pair{"green", green_percent}}) {
    model::TaskSet set;
    set.id = id;
    set.family = "web";
    set.revision = 1;
    set.scale_percent = percent;
    s.task_sets.push_back(set);
  }
  return s;
}

}  // namespace

TEST_CASE_METHOD(Scheduling, "task sets: a deleted set's protected task stops unchecked while another set grows",
                 "[sched][protection][task_sets]") {
  auto service = external_service(50, 100);
  service.task_sets[0].status = model::TaskSetStatus::draining;
  auto snapshot = cluster_with({testing::make_instance("a")}, service);
  auto blue = testing::make_task("b1", "a", service, "blue");
  blue.protected_until = clock.now_ms() + 60'000;
  testing::add_task(snapshot, blue);
  auto orphan = testing::make_task("x1", "a", service, "ecs-svc/gone");
  orphan.protected_until = clock.now_ms() + 60'000;
  testing::add_task(snapshot, orphan);
  auto green = testing::make_task("g1", "a", service, "green");
  green.protected_until = clock.now_ms() + 60'000;
  testing::add_task(snapshot, green);
  auto plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  REQUIRE(plan->stops.size() == 2);
  // Protection does not hold for them, so the commit must not re-check it (it would refuse the
  // whole plan, green's start with it, for as long as the protection lasts).
  for (const auto& stop : plan->stops) {
    CHECK((stop.task_id == "b1" || stop.task_id == "x1"));
    CHECK_FALSE(stop.unless_protected);
  }
  REQUIRE(plan->starts.size() == 1);
  CHECK(plan->starts.front().started_by == "green");
}

TEST_CASE_METHOD(Scheduling, "task sets: tasks on a draining instance are replaced, then stopped", "[sched][task_sets]") {
  auto snapshot = cluster_with({testing::make_instance("a"), testing::make_instance("b")}, external_service(100, 0));
  snapshot.instances.front().status = model::InstanceStatus::draining;
  auto drained = testing::make_task("b1", "a", snapshot.services.front(), "blue");
  drained.protected_until = clock.now_ms() + 60'000;
  testing::add_task(snapshot, drained);
  testing::add_task(snapshot, testing::make_task("b2", "b", snapshot.services.front(), "blue"));
  auto plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  CHECK(plan->stops.empty());  // minimumHealthyPercent 100: the replacement first
  REQUIRE(plan->starts.size() == 1);
  CHECK(plan->starts.front().instance_id == "b");
  CHECK(plan->starts.front().started_by == "blue");

  // The replacement runs: the drained task stops, its protection notwithstanding.
  auto replacement = testing::make_task("b3", "b", snapshot.services.front(), "blue");
  testing::add_task(snapshot, replacement);
  plan = schedule(snapshot, "web");
  REQUIRE(plan.has_value());
  CHECK(plan->starts.empty());
  REQUIRE(plan->stops.size() == 1);
  CHECK(plan->stops.front().task_id == "b1");
  CHECK(plan->stops.front().reason == "Container instance is draining");
  CHECK_FALSE(plan->stops.front().unless_protected);
}

}  // namespace schedule_service_test
