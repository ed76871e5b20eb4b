// Running commands in a task's running container: ExecuteCommand (the API's non-interactive run,
// for tasks launched with enableExecuteCommand) and `berth exec` sessions over the unix socket.
// svc cannot see the runtime: the node's ContainerCommands does the running. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/execute_command.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// How a command ended, as ExecuteCommand's reply shows it.
struct CommandResult {
  int exit_code = 0;
  std::string output;           // stdout and stderr together, at most the runner's bound
  bool output_truncated = false;
  bool timed_out = false;       // killed at the runner's time bound (exit_code is then 137)
};

// Takes a session's connection once its 101 reply is written: the socket (owned from then on)
// and any bytes the client sent after its request.
using SessionHandoff = std::function<void(int socket, std::string early_input)>;

// What runs commands in this node's containers (the runtime, wired by the composition root).
class ContainerCommands {
 public:
  virtual ~ContainerCommands() = default;
  // Runs `argv` without input in the running container `runtime_id`, bounded in time and output.
  // InvalidParameterException when the container is not running on this node;
  // LimitExceededException when too many commands run already.
  [[nodiscard]] virtual Result<CommandResult> run(const std::string& runtime_id, const std::vector<std::string>& argv) = 0;
  // Reserves a session for `request` in the running container `runtime_id` and returns what
  // serves it once handed its connection (the reservation ends with the returned function or
  // its session). The same errors as run().
  [[nodiscard]] virtual Result<SessionHandoff> open_session(const std::string& runtime_id,
                                                            const model::ExecSessionRequest& request) = 0;
  // Returns what serves a session whose command ran elsewhere (through a joined gateway's agent):
  // its output as stdout, then its exit code, and the end of the session.
  [[nodiscard]] virtual SessionHandoff replay(CommandResult result) = 0;
  // Returns what ends a session that cannot be served after all (a relayed one whose agent did
  // not come): `message` on stderr, then exit code 255.
  [[nodiscard]] virtual SessionHandoff refuse(std::string message) = 0;
};

// ExecuteCommand: runs the request's command in the task's container and returns its result.
// InvalidParameterException for a task that is not found or not RUNNING, was not launched with
// enableExecuteCommand (ECS's message), or has no such container (model::exec_container_of);
// ServerException when this berth runs no agent. A task on a joined gateway runs the command
// through its agent (svc/remote_exec.hpp, with its errors).
[[nodiscard]] Result<model::ExecuteCommandReply> execute_command(Context& ctx, const model::ExecuteCommandRequest& request);

// A `berth exec` session: the same checks as execute_command except enableExecuteCommand (the
// caller is the gateway's operator on its unix socket, as `docker exec` on an ECS instance);
// returns the reserved session. For a task on a joined gateway a command without -i and -t runs
// through its agent first and the session replays its result; with -i or -t, and an attach, the
// session is relayed to the agent (svc/remote_exec.hpp's relay_through_agent). An attach to a
// task on this gateway is InvalidParameterException (`berth attach` uses the container's socket).
[[nodiscard]] Result<SessionHandoff> open_exec_session(Context& ctx, const model::ExecSessionRequest& request);

}  // namespace berth::svc
