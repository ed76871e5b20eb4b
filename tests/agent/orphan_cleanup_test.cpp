#include <catch2/catch.hpp>

#include "agent/container_spec_builder.hpp"
#include "agent/fake_runtime.hpp"
#include "agent/orphan_cleanup.hpp"
#include "fixtures/fixtures.hpp"

using namespace berth;
using berth::testing::FakeClock;
using berth::testing::FakeRuntime;

TEST_CASE("orphan cleanup: containers and networks of tasks that are gone go, those of live tasks stay",
          "[agent][orphans]") {
  FakeClock clock;
  FakeRuntime runtime(clock);
  model::Task live;
  live.id = "live";
  live.containers.push_back({});
  live.containers.back().name = "web";
  const std::string live_container = agent::runtime_id_of("live", "web");
  runtime.states[live_container] = runtime::ContainerStatus::State::running;
  runtime.states[agent::runtime_id_of("gone", "web")] = runtime::ContainerStatus::State::exited;
  runtime.networks = {"live", "gone"};

  agent::remove_orphans(runtime, {live});
  CHECK(runtime.removed == std::set<std::string>{agent::runtime_id_of("gone", "web")});
  CHECK(runtime.cleaned_up == std::vector<std::string>{"gone"});
  CHECK(runtime.networks == std::set<std::string>{"live"});
}
