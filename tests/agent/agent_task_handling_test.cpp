#include <catch2/catch.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <stdexcept>
#include <thread>

#include "agent/agent.hpp"
#include "agent/container_spec_builder.hpp"
#include "cli/daemon.hpp"
#include "common/files.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"
#include "fixtures/test_image.hpp"
#include "agent/fake_runtime.hpp"

namespace agent_task_handling_test {

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
  void prepare_next_starts() override {}

  int kills = 0;
  std::set<std::string> removed;
};

const std::string k_task_id = "0123456789abcdef0123456789abcdef";

// Runs an agent over one task, as `make_task` makes it for the agent's instance, until the task
// is recorded with lastStatus `until`; returns that task. `store_seen` is set to the store the
// agent writes, for a runtime that looks at it while the agent runs.
model::Task run_until(runtime::Runtime& runtime, const TempDir& tmp, const std::string& marker,
                      const std::function<model::Task(const std::string& instance)>& make_task, model::TaskStatus until,
                      store::Store** store_seen = nullptr,
                      const std::function<std::vector<model::Task>(const std::string& instance)>& make_beside = nullptr) {
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
  if (store_seen) *store_seen = &store;
  std::vector<model::Task> tasks = make_beside ? make_beside(*instance) : std::vector<model::Task>{};
  tasks.push_back(make_task(*instance));
  REQUIRE(store.insert_tasks(tasks, {}).value_or(false));

  agent.start();
  std::optional<model::Task> stored;
  for (int i = 0; i < 3000; ++i) {  // a bound, not a timing threshold: the first pass does it
    stored.reset();
    if (auto found = store.find_task("default", k_task_id); found && *found && (*found)->last_status == until) {
      stored = **found;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  agent.stop();
  if (!stored) {
    // Say where the task got to instead.
    if (auto found = store.find_task("default", k_task_id); found && *found) {
      const model::Task& last = **found;
      INFO("the task is " << model::to_wire(last.last_status) << ": " << last.stopped_reason);
      REQUIRE(stored.has_value());
    }
  }
  REQUIRE(stored.has_value());
  CHECK(recorded_changes > 0);  // the hook given at construction heard of the recorded change
  return *stored;
}

// Task k_task_id of "web" on `instance`, in `status` with its container "webapp" in it (the
// stored task's desired status is `desired`).
model::Task web_task(const std::string& instance, model::TaskStatus status, model::TaskStatus desired) {
  model::Task task = berth::testing::task_record(k_task_id, "default", "web", 1, instance, status, desired);
  task.created_at = 1;
  model::TaskContainer container;
  container.name = "webapp";
  container.image = "pythonwebapp:latest";
  container.last_status = status;
  container.runtime_id = agent::runtime_id_of(task.id, container.name);
  task.containers.push_back(container);
  return task;
}

// Runs an agent over one task that is stopping with its container running, until the task is
// recorded stopped; returns that task.
model::Task run_until_stopped(ThrowingKillRuntime& runtime, const TempDir& tmp, const std::string& marker) {
  return run_until(runtime, tmp, marker, [](const std::string& instance) {
    return web_task(instance, model::TaskStatus::running, model::TaskStatus::stopped);
  }, model::TaskStatus::stopped);
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

TEST_CASE("agent: the runtime is told to get ready for the next start once the start is recorded, not before",
          "[agent][task-handling]") {
  TempDir tmp;
  FakeClock runtime_clock;
  berth::testing::FakeRuntime runtime(runtime_clock);
  store::Store* store = nullptr;
  // What the store held each time the agent let the runtime prepare (its spare monitor and root);
  // on the agent's thread, read once it has stopped.
  std::vector<std::string> recorded_when_prepared;
  runtime.on_prepare_next_starts = [&] {
    auto found = store->find_task("default", k_task_id);
    recorded_when_prepared.push_back(found && *found ? std::string(model::to_wire((*found)->last_status)) : "no task");
  };
  {
    // The task's image, in the image store the agent opens.
    auto images = runtime::ImageStore::open(tmp.path + "/images", runtime_clock);
    REQUIRE(images.has_value());
    const std::string error = berth::testing::import_test_image(**images, tmp.path, "pythonwebapp:latest");
    INFO(error);
    REQUIRE(error.empty());
  }
  const model::Task task = run_until(runtime, tmp, "", [](const std::string& instance) {
    return web_task(instance, model::TaskStatus::pending, model::TaskStatus::running);
  }, model::TaskStatus::running, &store);
  CHECK(task.containers.at(0).last_status == model::TaskStatus::running);
  REQUIRE(runtime.started.size() == 1);
  REQUIRE_FALSE(recorded_when_prepared.empty());
  // The call came after the pass's commit: the first already saw the container running.
  CHECK(recorded_when_prepared.front() == "RUNNING");
}

TEST_CASE("agent: a pass starts a pending task before it looks at the tasks that only run", "[agent][task-handling]") {
  TempDir tmp;
  FakeClock runtime_clock;
  berth::testing::FakeRuntime runtime(runtime_clock);
  {
    auto images = runtime::ImageStore::open(tmp.path + "/images", runtime_clock);
    REQUIRE(images.has_value());
    const std::string error = berth::testing::import_test_image(**images, tmp.path, "pythonwebapp:latest");
    INFO(error);
    REQUIRE(error.empty());
  }
  // Three running tasks whose ids sort before the pending one's: in id order they came first.
  std::vector<std::string> running_containers;
  const auto beside = [&](const std::string& instance) {
    std::vector<model::Task> tasks;
    for (const char* id : {"00000000000000000000000000000001", "00000000000000000000000000000002",
                           "00000000000000000000000000000003"}) {
      model::Task task = web_task(instance, model::TaskStatus::running, model::TaskStatus::running);
      task.id = id;
      task.containers.at(0).runtime_id = agent::runtime_id_of(task.id, "webapp");
      runtime.states[task.containers.at(0).runtime_id] = runtime::ContainerStatus::State::running;
      running_containers.push_back(task.containers.at(0).runtime_id);
      tasks.push_back(task);
    }
    return tasks;
  };
  const model::Task task = run_until(runtime, tmp, "", [](const std::string& instance) {
    return web_task(instance, model::TaskStatus::pending, model::TaskStatus::running);
  }, model::TaskStatus::running, nullptr, beside);
  REQUIRE(runtime.started.size() == 1);
  const auto at = [&](const std::string& call) {
    return std::find(runtime.calls.begin(), runtime.calls.end(), call) - runtime.calls.begin();
  };
  const auto start = at("start " + runtime.started.front());
  for (const auto& id : running_containers) {
    INFO(id);
    const auto looked_at = at("status " + id);
    REQUIRE(looked_at < static_cast<std::ptrdiff_t>(runtime.calls.size()));  // the pass did look at it
    CHECK(start < looked_at);
  }
}

}  // namespace agent_task_handling_test
