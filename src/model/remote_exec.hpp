// Commands run in containers of tasks on a joined gateway, through its agent: the serving gateway
// lists what it asks for in the agent's next poll reply (execRequests), the agent runs each with
// its own runtime's bounds and answers with BerthCluster.SubmitExecResult. The typed requests and
// their codecs. Pure; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// One ask of the server: run `argv` without input in the instance's container `runtime_id`.
struct ExecRequest {
  std::string id;
  std::string runtime_id;
  std::vector<std::string> argv;
};

// How a command ran, as the agent's runner tells it.
struct ExecOutcome {
  int exit_code = 0;
  std::string output;  // stdout and stderr together, at most the runner's bound (64 KiB)
  bool output_truncated = false;
  bool timed_out = false;
};

// The agent's answer: the outcome, or why the command did not run (its Error's code and message:
// the container is not running there, too many commands run at once).
struct SubmitExecResultRequest {
  std::optional<std::string> cluster;
  std::string container_instance;  // id or ARN
  std::string request_id;
  std::optional<ExecOutcome> outcome;
  std::optional<Error> refusal;
};

// How long the server waits for an agent to take an ask (it polls every few seconds, and a parked
// poll is answered at once) and then for its answer: the agent's runner stops a command after 30 s
// (cli/container_commands.hpp), and the answer needs a round trip more.
inline constexpr std::chrono::seconds k_remote_exec_pickup_wait{10};
inline constexpr std::chrono::seconds k_remote_exec_answer_wait{45};
// Bytes of output an answer may carry: the runner's bound, with room for JSON's escapes.
inline constexpr std::size_t k_max_submitted_exec_output = 64 * 1024;

const Shape& submit_exec_result_shape();
// InvalidParameterException for an answer with neither or both of an outcome and an error.
[[nodiscard]] Result<SubmitExecResultRequest> decode_submit_exec_result(const Json& body);
Json encode_submit_exec_result(const SubmitExecResultRequest& request);

// The poll reply's "execRequests" member and back (ServerException for a malformed one).
Json exec_requests_to_json(const std::vector<ExecRequest>& requests);
[[nodiscard]] Result<std::vector<ExecRequest>> exec_requests_from_json(const Json& json);

}  // namespace berth::model
