#include <catch2/catch.hpp>
#include <filesystem>

#include "agent/container_spec_builder.hpp"
#include "agent/fake_runtime.hpp"
#include "agent/orphan_cleanup.hpp"
#include "common/files.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace orphan_cleanup_test {

using namespace berth;
using berth::testing::FakeClock;
using berth::testing::FakeRuntime;

TEST_CASE("orphan cleanup: containers, networks, cgroups and files of tasks that are gone go, those of live "
          "tasks stay",
          "[agent][orphans]") {
  berth::testing::TempDir tmp;
  for (const char* dir : {"/volumes/live", "/volumes/gone", "/bundles/live-etc", "/bundles/gone-etc",
                          "/volumes/lost", "/bundles/lost-etc"}) {
    REQUIRE(make_dirs(tmp.path + dir));
  }
  FakeClock clock;
  FakeRuntime runtime(clock);
  model::Task live;
  live.id = "live";
  live.containers.push_back({});
  live.containers.back().name = "web";
  const std::string live_container = agent::runtime_id_of("live", "web");
  runtime.states[live_container] = runtime::ContainerStatus::State::running;
  runtime.states[agent::runtime_id_of("gone", "web")] = runtime::ContainerStatus::State::exited;
  // "lost": recorded STOPPED, its network released, but berth was killed before its containers'
  // removal ran.
  runtime.states[agent::runtime_id_of("lost", "side-car")] = runtime::ContainerStatus::State::exited;
  runtime.networks = {"live", "gone"};

  agent::remove_orphans(runtime, {live}, tmp.path, "/lab/gw1");
  CHECK(runtime.removed ==
        std::set<std::string>{agent::runtime_id_of("gone", "web"), agent::runtime_id_of("lost", "side-car")});
  // Once each: "gone" for its network (and cgroup), "lost" for its cgroup.
  CHECK(runtime.cleaned_up == std::vector<std::string>{"gone", "lost"});
  // Under this berth's BERTH_CGROUP_PARENT.
  CHECK(runtime.cleaned_cgroups == std::vector<std::string>{"/lab/gw1/gone", "/lab/gw1/lost"});
  CHECK(runtime.networks == std::set<std::string>{"live"});
  for (const char* dir : {"/volumes/gone", "/bundles/gone-etc", "/volumes/lost", "/bundles/lost-etc"}) {
    CHECK_FALSE(std::filesystem::exists(tmp.path + dir));
  }
  CHECK(std::filesystem::exists(tmp.path + "/volumes/live"));
  CHECK(std::filesystem::exists(tmp.path + "/bundles/live-etc"));
}

}  // namespace orphan_cleanup_test
