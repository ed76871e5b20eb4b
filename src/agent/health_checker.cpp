#include "agent/health_checker.hpp"

#include <vector>

#include "agent/background_job.hpp"

namespace berth::agent {

std::optional<std::string> HealthChecker::poll(const std::string& id, const model::Json& check, EpochMs started_at,
                                               EpochMs now) {
  State& state = m_states[id];
  const long long interval_ms = check.value("interval", 30LL) * 1000;
  if (state.started_at == 0) {
    state.started_at = started_at;
    state.next_check = state.started_at + interval_ms;
  }
  std::optional<std::string> reached;
  if (state.running && job_done(*state.running)) {
    auto result = state.running->get();
    state.running.reset();
    const bool ok = result && !result->timed_out && result->exit_code == 0;
    const bool in_start_period = now < state.started_at + check.value("startPeriod", 0LL) * 1000;
    if (ok) {
      state.failures = 0;
      reached = "HEALTHY";
    } else if (!in_start_period && ++state.failures >= check.value("retries", 3)) {
      reached = "UNHEALTHY";
    }
    state.next_check = now + interval_ms;
  }
  if (!state.running && now >= state.next_check) {
    std::vector<std::string> argv;
    const auto& command = check["command"];
    if (command[0] == "CMD-SHELL") argv = {"/bin/sh", "-c", command[1].get<std::string>()};
    else for (std::size_t i = 1; i < command.size(); ++i) argv.push_back(command[i]);
    if (command[0] == "NONE" || argv.empty()) return reached;
    const int timeout_ms = static_cast<int>(check.value("timeout", 5LL) * 1000);
    // Refused (the queue is full): the check is still due, so the next pass asks again.
    state.running = try_start_job(m_queue, "health check of " + id,
                                  [this, closed = m_closed, id, argv, timeout_ms]() -> Result<runtime::ExecResult> {
                                    if (closed->load()) return fail(Code::server, "berth is stopping");
                                    return m_runtime.exec(id, argv, timeout_ms);
                                  });
  }
  return reached;
}

}  // namespace berth::agent
