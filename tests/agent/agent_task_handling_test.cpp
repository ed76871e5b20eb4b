#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

#include "agent/agent.hpp"
#include "agent/container_spec_builder.hpp"
#include "cli/daemon.hpp"
#include "common/files.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

using namespace berth;
using berth::testing::FakeClock;
using berth::testing::TempDir;

namespace {

// A runtime whose containers all run, and whose kill() throws: stopping a task hits an error
// the agent did not foresee. Agent thread only (read after the agent stopped).
class ThrowingKillRuntime final : public runtime::Runtime {
 public:
  Result<int> start(const runtime::ContainerSpec&) override { return fail(Code::server, "not in this test"); }
  Result<int> restart(const std::string&) override { return fail(Code::server, "not in this test"); }
  runtime::ContainerStatus status(const std::string& id) override {
    runtime::ContainerStatus st;
    st.state = removed.contains(id) ? runtime::ContainerStatus::State::missing : runtime::ContainerStatus::State::running;
    return st;
  }
  Result<void> kill(const std::string&, int) override {
    ++kills;
    throw std::runtime_error("kill exploded");
  }
  Result<runtime::ExecResult> exec(const std::string&, const std::vector<std::string>&, int) override {
    return fail(Code::server, "not in this test");
  }
  Result<void> remove(const std::string& id) override {
    removed.insert(id);
    return {};
  }
  std::vector<std::string> known_containers() override { return {}; }
  std::string log_path(const std::string&) const override { return {}; }
  Result<model::ContainerStats> container_stats(const std::string&) override { return fail(Code::server, "not in this test"); }
  Result<runtime::PreparedTask> prepare_task(const runtime::TaskSetup&) override { return runtime::PreparedTask{}; }
  Result<void> cleanup_task(const std::string&, const std::string&) override { return {}; }
  std::vector<std::string> prepared_tasks() override { return {}; }
  Result<void> guard_prepared_tasks() override { return {}; }
  std::string network_namespace_of(const std::string&) const override { return {}; }
  bool cgroup_v2() const override { return false; }

  int kills = 0;
  std::set<std::string> removed;
};

const std::string k_task_id = "0123456789abcdef0123456789abcdef";

// Runs an agent over one task that is stopping with its container running, until the task is
// recorded stopped; returns that task.
model::Task run_until_stopped(ThrowingKillRuntime& runtime, const TempDir& tmp, const std::string& marker) {
  FakeClock clock;
  auto opened = store::Store::open(":memory:");
  REQUIRE(opened.has_value());
  auto& store = **opened;
  REQUIRE(store.ensure_cluster("default", clock.now_ms(), "000000000000").has_value());
  REQUIRE(store.register_task_definition("web", berth::testing::make_task_def("web"), {}, clock.now_ms()).has_value());
  auto images = runtime::ImageStore::open(tmp.path + "/images", clock);
  REQUIRE(images.has_value());
  agent::AgentConfig config;
  config.cluster = "default";
  config.data_dir = tmp.path + "/data";
  config.crash_marker_dir = tmp.path + "/markers";
  config.tick_ms = 5;
  REQUIRE(make_dirs(config.data_dir));
  if (!marker.empty()) {
    REQUIRE(make_dirs(config.crash_marker_dir));
    REQUIRE(write_file(config.crash_marker_dir + "/" + k_task_id, marker));
  }
  svc::Context ctx{store, clock, ArnScope{"local", "000000000000"}, "default"};
  cli::SvcInstanceRegistrar registrar(ctx);
  std::atomic<int> recorded_changes = 0;
  agent::Agent agent(store, runtime, **images, clock, config,
                     {.registrar = registrar, .on_task_changed = [&] { ++recorded_changes; }});
  const auto instance = agent.register_instance();
  REQUIRE(instance.has_value());

  model::Task task;
  task.id = k_task_id;
  task.cluster = "default";
  task.family = "web";
  task.revision = 1;
  task.container_instance_id = *instance;
  task.last_status = model::TaskStatus::running;
  task.desired_status = model::TaskStatus::stopped;
  task.created_at = clock.now_ms();
  model::TaskContainer container;
  container.name = "webapp";
  container.last_status = model::TaskStatus::running;
  container.runtime_id = agent::runtime_id_of(task.id, container.name);
  task.containers.push_back(container);
  REQUIRE(store.insert_tasks({task}, {}).value_or(false));

  agent.start();
  std::optional<model::Task> stored;
  for (int i = 0; i < 3000; ++i) {  // a bound, not a timing threshold: the first pass does it
    stored.reset();
    if (auto found = store.find_task("default", k_task_id); found && *found && (*found)->last_status == model::TaskStatus::stopped) {
      stored = **found;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  agent.stop();
  REQUIRE(stored.has_value());
  CHECK(recorded_changes > 0);  // the hook given at construction heard of the recorded stop
  return *stored;
}

}  // namespace

TEST_CASE("agent: a task failing unforeseen while stopping has its containers removed before it is recorded stopped",
          "[agent][task-handling]") {
  TempDir tmp;
  ThrowingKillRuntime runtime;
  const model::Task task = run_until_stopped(runtime, tmp, "");
  REQUIRE(task.containers.size() == 1);
  CHECK(task.containers[0].reason.find("internal error") != std::string::npos);
  // Recorded stopped, its container must not go on holding host ports placement counts free.
  CHECK(runtime.removed.contains(agent::runtime_id_of(k_task_id, "webapp")));
}

TEST_CASE("agent: a task at the crash limit while stopping is recorded stopped without touching the runtime",
          "[agent][task-handling]") {
  TempDir tmp;
  ThrowingKillRuntime runtime;
  const model::Task task = run_until_stopped(runtime, tmp, "stopping 1\n");  // this is its second crash
  REQUIRE(task.containers.size() == 1);
  CHECK(task.containers[0].reason.find("twice while stopping") != std::string::npos);
  CHECK(runtime.kills == 0);
  CHECK(runtime.removed.empty());
}
