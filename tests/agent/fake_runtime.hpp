// A Runtime that runs nothing: containers "run" from start() until the test ends them, and every
// call is recorded (with the fake clock's time for signals) so tests can check what the agent
// did. Not thread-safe: tests drive it from one thread.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/bounded_worker_pool.hpp"
#include "common/clock.hpp"
#include "runtime/runtime.hpp"

namespace berth::testing {

class FakeRuntime final : public runtime::Runtime {
 public:
  struct Signal {
    std::string id;
    int signal = 0;
    EpochMs at = 0;
  };

  explicit FakeRuntime(const Clock& clock) : m_clock(clock) {}

  Result<int> start(const runtime::ContainerSpec& spec) override {
    started.push_back(spec.id);
    calls.push_back("start " + spec.id);
    if (!start_error.empty()) return fail(Code::server, start_error);
    states[spec.id] = runtime::ContainerStatus::State::running;
    return 4242;
  }
  Result<int> restart(const std::string& id) override {
    restarted.push_back(id);
    if (!restart_error.empty()) return fail(Code::server, restart_error);
    states[id] = runtime::ContainerStatus::State::running;
    return 4243;
  }
  runtime::ContainerStatus status(const std::string& id) override {
    calls.push_back("status " + id);
    runtime::ContainerStatus st;
    const auto it = states.find(id);
    st.state = it == states.end() ? runtime::ContainerStatus::State::missing : it->second;
    if (st.state == runtime::ContainerStatus::State::exited) {
      st.exit_code = exit_codes.contains(id) ? exit_codes.at(id) : 0;
      st.finished_at = m_clock.now_ms();
    }
    return st;
  }
  Result<void> kill(const std::string& id, int signal) override {
    signals.push_back({id, signal, m_clock.now_ms()});
    return {};
  }
  Result<runtime::ExecResult> exec(const std::string& id, const std::vector<std::string>& argv, int) override {
    execs.push_back({id, argv});
    runtime::ExecResult result;
    result.exit_code = exec_exit_code;
    return result;
  }
  Result<void> remove(const std::string& id) override {
    removed.insert(id);
    states.erase(id);
    return {};
  }
  std::vector<std::string> known_containers() override {
    std::vector<std::string> ids;
    for (const auto& [id, _] : states) ids.push_back(id);
    return ids;
  }
  std::string log_path(const std::string& id) const override { return "/nonexistent/" + id + ".log"; }
  Result<model::ContainerStats> container_stats(const std::string& id) override {
    const auto state = states.find(id);
    if (state == states.end() || state->second != runtime::ContainerStatus::State::running) {
      return fail(Code::client, "container " + id + " is not running");
    }
    const auto it = stats.find(id);
    if (it == stats.end()) return fail(Code::server, "container " + id + ": no cgroup");
    return it->second;
  }
  Result<runtime::PreparedTask> prepare_task(const runtime::TaskSetup& setup) override {
    prepared.push_back(setup);
    if (!network_error.empty()) return fail(Code::server, "bridge network: " + network_error);
    networks.insert(setup.task_id);
    // Published as asked, but for a dynamic port `taken_host_ports` names: the bridge network holds
    // another port of the range in its place.
    std::vector<runtime::PortMapping> published = setup.ports;
    for (auto& p : published) {
      if (const auto it = taken_host_ports.find(p.host_port); p.dynamic && it != taken_host_ports.end()) p.host_port = it->second;
    }
    return runtime::PreparedTask{setup.bridge ? "172.31.0.2" : "", std::move(published)};
  }
  Result<void> cleanup_task(const std::string& task_id, const std::string& cgroup_path) override {
    cleaned_up.push_back(task_id);
    cleaned_cgroups.push_back(cgroup_path);
    networks.erase(task_id);
    return {};
  }
  std::vector<std::string> prepared_tasks() override { return {networks.begin(), networks.end()}; }
  Result<void> guard_prepared_tasks() override { return {}; }
  std::string network_namespace_of(const std::string& task_id) const override { return "/fake/netns/" + task_id; }
  bool cgroup_v2() const override { return unified_cgroups; }
  void prepare_next_starts() override {
    if (on_prepare_next_starts) on_prepare_next_starts();
  }

  // Test controls.
  std::map<std::string, runtime::ContainerStatus::State> states;  // runtime id → state
  std::map<std::string, int> exit_codes;                          // runtime id → exit code once exited
  std::string start_error;                                        // start() fails with it if set
  std::string restart_error;                                      // restart() fails with it if set
  std::string network_error;                                      // prepare_task() fails with it if set
  std::map<int, int> taken_host_ports;  // a placed dynamic host port -> the one prepare_task publishes instead
  int exec_exit_code = 0;                                         // what health checks exit with
  std::function<void()> on_prepare_next_starts;                   // called by prepare_next_starts
  std::map<std::string, model::ContainerStats> stats;             // runtime id → what container_stats reads

  // What the agent did.
  std::vector<std::string> started;
  std::vector<std::string> calls;  // "start <id>" and "status <id>", in order
  std::vector<std::string> restarted;
  std::vector<Signal> signals;
  std::vector<std::pair<std::string, std::vector<std::string>>> execs;
  std::set<std::string> removed;
  std::vector<runtime::TaskSetup> prepared;
  std::vector<std::string> cleaned_up;
  std::vector<std::string> cleaned_cgroups;  // the task cgroups cleanup_task was given, in order
  std::set<std::string> networks;
  bool unified_cgroups = true;  // what cgroup_v2() answers

 private:
  const Clock& m_clock;
};

// A JobQueue that runs each job at once on the caller's thread, so background work (pulls,
// health checks) finishes deterministically within the call that queued it.
class InlineJobQueue final : public JobQueue {
 public:
  bool try_submit(std::function<void()> job) override {
    if (refuse) return false;
    job();
    return true;
  }
  bool refuse = false;  // act as a full queue
};

// A JobQueue that runs each job at once, or, while `hold` is set, keeps it until the test calls
// run_held(): tests see what happens before queued work and after. A job runs on a thread of its
// own, joined before the call returns, as the real queue's worker runs it: a queued removal
// lowers its thread's priority, which must not stay with the test's thread.
class HoldingJobQueue final : public JobQueue {
 public:
  bool try_submit(std::function<void()> job) override {
    if (refuse) return false;
    if (hold) {
      held.push_back(std::move(job));
    } else {
      std::thread(job).join();
    }
    return true;
  }
  void run_held() {
    auto jobs = std::move(held);
    held.clear();
    for (auto& job : jobs) std::thread(job).join();
  }
  bool hold = false;    // keep jobs until run_held()
  bool refuse = false;  // act as a full queue
  std::vector<std::function<void()>> held;
};

}  // namespace berth::testing
