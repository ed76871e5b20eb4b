// The plan applier's cost with and without the scheduler leadership fence (one read of the
// leadership row in the plan's transaction): hidden, run by hand, prints its figures and checks
// none (no timing thresholds in tests):
//   berth-unit-tests '[.plan_fence_timing]'
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"
#include "svc/scheduler_leadership.hpp"
#include "svc/scheduler_context.hpp"
#include "svc/tasks.hpp"

namespace plan_fence_timing_test {

using namespace berth;
using berth::testing::Json;

namespace {

struct Timing {
  double p50_us = 0, mean_us = 0;
};

// `plans` one-task plans through start_tasks on `ctx` (its leader_term as given), each task
// deleted again outside the timed part so that every plan reads the same rows.
Timing time_plans(svc::Context& ctx, const svc::StartTasks& request, int plans) {
  std::vector<double> us;
  for (int i = 0; i < plans; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto started = svc::start_tasks(ctx, request);
    const auto t1 = std::chrono::steady_clock::now();
    REQUIRE(started.has_value());
    REQUIRE(started->tasks.size() == 1);
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    REQUIRE(ctx.store.exec_for_test("DELETE FROM tasks; DELETE FROM tags").has_value());
  }
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double u : us) sum += u;
  return {us[us.size() / 2], sum / static_cast<double>(us.size())};
}

void compare(const std::string& where, const std::string& path) {
  auto opened = store::Store::open(path);
  REQUIRE(opened.has_value());
  auto& store = **opened;
  testing::FakeClock clock;
  REQUIRE(store.ensure_cluster("default", clock.now_ms(), "000000000000").has_value());
  svc::Context ctx(store, clock, ArnScope{"local", "000000000000"}, "default");
  REQUIRE(testing::ecs_call(ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
      {"name":"CPU","type":"INTEGER","integerValue":1024},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
  REQUIRE(testing::ecs_call(ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
      "containerDefinitions":[{"name":"main","image":"busybox","memory":64}]})")));
  auto td = svc::runnable_task_definition_of(ctx, "job");
  REQUIRE(td.has_value());
  svc::StartTasks request;
  request.cluster = "default";
  request.definition = *td;
  request.count = 1;
  svc::LeadershipSettings sole;
  sole.sole = true;
  svc::SchedulerLeadership leadership(store, clock, "gateway", sole, {});
  REQUIRE(leadership.start().has_value());
  svc::Context fenced = ctx;
  fenced.leader_term = leadership.term();
  REQUIRE(fenced.leader_term);
  constexpr int k_rounds = 5, k_plans = 300;
  for (int round = 0; round < k_rounds; ++round) {  // interleaved, so the machine's load hits both
    const auto without = time_plans(ctx, request, k_plans);
    const auto with = time_plans(fenced, request, k_plans);
    std::printf("%s round %d: %d plans, unfenced p50 %.1f us mean %.1f us | fenced p50 %.1f us mean %.1f us\n",
                where.c_str(), round + 1, k_plans, without.p50_us, without.mean_us, with.p50_us, with.mean_us);
  }
}

}  // namespace

TEST_CASE("plan applier timing with and without the leadership fence", "[.plan_fence_timing]") {
  compare("SQLite in memory", ":memory:");
  testing::TempDir dir;
  compare("SQLite file", dir.path + "/state.db");
}

}  // namespace plan_fence_timing_test
