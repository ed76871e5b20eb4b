// ExecuteCommand's typed request and reply (the API's non-interactive run of a command in a
// task's container), the request of a `berth exec` session over the unix socket, and what both
// share: splitting ECS's one-string command into words and choosing the task's container. Pure;
// thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/task.hpp"

namespace berth::model {

// Bounds on a command: its text (ECS's string, or a session's words together) and its words.
inline constexpr std::size_t k_max_command_bytes = 8192;
inline constexpr std::size_t k_max_command_words = 256;

struct ExecuteCommandRequest {
  std::optional<std::string> cluster;    // name or ARN; nothing = the default cluster
  std::string task;                      // id or ARN
  std::optional<std::string> container;  // nothing: the task's only (or only essential) container
  std::vector<std::string> argv;         // the command's words
};

// What ran and how it ended. `output` is stdout and stderr together, at most the runner's bound.
struct ExecuteCommandReply {
  std::string cluster;
  std::string task_id;
  std::string container_name;
  std::string container_id;  // the uuid in the container's ARN
  std::string session_id;
  int exit_code = 0;
  std::string output;
  bool output_truncated = false;
  bool timed_out = false;
};

// A `berth exec` session: the command's words as given, a terminal or not, input or not. Or, with
// `attach` (and no command), `berth attach` to the container's own stdio, which the daemon serves
// for a task on a joined gateway only (on the gateway itself the verb uses the container's socket).
struct ExecSessionRequest {
  std::optional<std::string> cluster;
  std::string task;
  std::optional<std::string> container;
  std::vector<std::string> argv;
  bool tty = false;
  bool interactive = false;
  bool attach = false;
};

// The request shapes (members as in the AWS model for ExecuteCommand; berth's own for sessions).
const Shape& execute_command_shape();
const Shape& exec_session_shape();

// Splits `command` into words as a POSIX shell would without expanding anything: blanks separate
// words, '...' keeps everything literally, "..." keeps everything but \" \\ \$ \` (unescaped), and
// a backslash outside quotes takes the next character literally. InvalidParameterException for an
// empty command, an unterminated quote or a trailing backslash, more than k_max_command_bytes or
// more than k_max_command_words words.
[[nodiscard]] Result<std::vector<std::string>> split_command_words(std::string_view command);

// Decodes a shape-checked ExecuteCommand body. InvalidParameterException for interactive true
// (interactive sessions need AWS's session-manager plugin; a gateway offers `berth exec -it`), a
// command split_command_words refuses, or a container name ECS would not accept.
[[nodiscard]] Result<ExecuteCommandRequest> decode_execute_command(const Json& body);

// Decodes a shape-checked session body. InvalidParameterException for an attach with a command,
// and otherwise for no words, more than
// k_max_command_words, words longer than k_max_command_bytes together, or a word holding a NUL.
[[nodiscard]] Result<ExecSessionRequest> decode_exec_session(const Json& body);

// The container of `task` a command runs in: the one named `name`; without a name the task's
// only container, or else its only essential one. InvalidParameterException naming the
// containers otherwise.
[[nodiscard]] Result<const TaskContainer*> exec_container_of(const Task& task, const std::optional<std::string>& name);

// ECS's ExecuteCommandResponse plus berth's member "berthCommandResult": {"exitCode", "output",
// "outputTruncated", "timedOut"} (the command's result, which ECS would stream through the
// session-manager plugin instead).
Json encode_execute_command(const ExecuteCommandReply& reply, const ArnScope& arns);

}  // namespace berth::model
