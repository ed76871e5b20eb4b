// The serving gateway's open asks for container logs of tasks on joined gateways (in memory):
// a GetTaskLogs for such a task asks the instance's agent, whose next poll lists the ask and is
// answered at once, and waits for the agent's SubmitTaskLogs. At most k_max_open asks at once (each
// holds an API worker while it waits). Thread-safe; a member of RemoteAgents.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/thread_annotations.hpp"
#include "model/remote_logs.hpp"

namespace berth::svc {

class RemoteLogRequests {
 public:
  static constexpr std::size_t k_max_open = 8;

  // Opens an ask of `instance_id`'s agent for the logs of `runtime_ids`; returns its id, or
  // nothing when k_max_open asks are open already.
  std::optional<std::string> ask(const std::string& instance_id, std::vector<std::string> runtime_ids);
  // The asks of `instance_id` not answered yet (a poll lists them).
  std::vector<model::LogRequest> asked_of(const std::string& instance_id) const;
  // Records `instance_id`'s answer to ask `id`; false when it has no such open ask.
  bool answer(const std::string& instance_id, const std::string& id, std::map<std::string, model::Json> logs);
  // Waits up to `timeout` for the answer to ask `id` and closes the ask; nothing if none came.
  std::optional<std::map<std::string, model::Json>> wait(const std::string& id, std::chrono::milliseconds timeout);
  // Ends every wait (the server stops).
  void close();

 private:
  struct Ask {
    std::string instance_id;
    std::vector<std::string> runtime_ids;
    std::optional<std::map<std::string, model::Json>> answer;
  };
  mutable Mutex m_mutex;
  std::condition_variable m_answered;
  std::map<std::string, Ask> m_open BERTH_GUARDED_BY(m_mutex);  // by id
  bool m_closed BERTH_GUARDED_BY(m_mutex) = false;
};

}  // namespace berth::svc
