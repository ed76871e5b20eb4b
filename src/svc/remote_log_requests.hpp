// The serving gateway's open asks for container logs of tasks on joined gateways (in memory):
// a GetTaskLogs for such a task asks the instance's agent, whose next poll lists the ask and is
// answered at once, and waits for the agent's SubmitTaskLogs. At most k_max_open asks at once (each
// holds an API worker while it waits). Thread-safe; a member of RemoteAgents.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/remote_logs.hpp"
#include "svc/agent_asks.hpp"

namespace berth::svc {

class RemoteLogRequests {
 public:
  static constexpr std::size_t k_max_open = 8;

  // Opens an ask of `instance_id`'s agent for the logs of `request.runtime_ids` (from its
  // cursors, when it has them; its id is set here); returns its id, or nothing when k_max_open
  // asks are open already.
  std::optional<std::string> ask(const std::string& instance_id, model::LogRequest request) {
    return m_asks.ask(instance_id, std::move(request));
  }
  // The asks of `instance_id` not answered yet (a poll lists them).
  std::vector<model::LogRequest> asked_of(const std::string& instance_id);
  // Records `instance_id`'s answer to ask `id` (only the containers asked for); false when it has
  // no such open ask.
  bool answer(const std::string& instance_id, const std::string& id, model::SubmitTaskLogsRequest answer);
  // Waits up to `timeout` for the answer to ask `id` and closes the ask; nothing if none came.
  std::optional<model::SubmitTaskLogsRequest> wait(const std::string& id, std::chrono::milliseconds timeout) {
    return m_asks.wait(id, timeout, timeout);
  }
  // Ends every wait (the server stops).
  void close() { m_asks.close(); }

 private:
  AgentAsks<model::LogRequest, model::SubmitTaskLogsRequest> m_asks{k_max_open, Listing::until_answered};
};

}  // namespace berth::svc
