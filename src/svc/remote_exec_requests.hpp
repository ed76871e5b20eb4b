// The serving gateway's open asks of joined gateways' agents to run a command in one of their
// containers (ExecuteCommand, `berth exec`): listed once in the instance's next poll (whose
// agent runs it on a worker while it goes on polling), answered with SubmitExecResult. At most
// k_max_open at once: each caller holds an API worker while it waits, and the server adds that
// many workers to the API's pool. Thread-safe; a member of RemoteAgents.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/remote_exec.hpp"
#include "svc/agent_asks.hpp"

namespace berth::svc {

class RemoteExecRequests {
 public:
  static constexpr std::size_t k_max_open = 2;

  // Opens an ask of `instance_id`'s agent to run `argv` in its container `runtime_id`; returns
  // its id, or nothing when k_max_open asks are open already.
  std::optional<std::string> ask(const std::string& instance_id, const std::string& runtime_id,
                                 std::vector<std::string> argv) {
    return m_asks.ask(instance_id, model::ExecRequest{"", runtime_id, std::move(argv)});
  }
  // The asks of `instance_id` no poll listed yet; they are listed from now on.
  std::vector<model::ExecRequest> take_for(const std::string& instance_id) {
    std::vector<model::ExecRequest> out;
    for (auto& [id, request] : m_asks.asked_of(instance_id)) {
      request.id = id;
      out.push_back(std::move(request));
    }
    return out;
  }
  // Records `instance_id`'s answer to ask `id`; false when it has no such open ask.
  bool answer(const std::string& instance_id, const std::string& id, model::SubmitExecResultRequest result) {
    return m_asks.answer(instance_id, id, std::move(result), [](const auto&, const auto&) {});
  }
  // Waits for the answer to ask `id` (model::k_remote_exec_pickup_wait for a poll to take it,
  // k_remote_exec_answer_wait in all) and closes the ask; nothing if none came.
  std::optional<model::SubmitExecResultRequest> wait(const std::string& id) {
    return m_asks.wait(id, model::k_remote_exec_pickup_wait, model::k_remote_exec_answer_wait);
  }
  void close() { m_asks.close(); }

 private:
  AgentAsks<model::ExecRequest, model::SubmitExecResultRequest> m_asks{k_max_open, Listing::once};
};

}  // namespace berth::svc
