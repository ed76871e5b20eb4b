// The words of `berth attach` and `berth exec`: which container (TASK as a task id or ARN, and a
// container name) and, for exec, the command and its -t/-i flags. attach works on this gateway's
// runtime files, not through the API, so it needs no daemon; exec asks the daemon. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "cli/flags.hpp"
#include "common/result.hpp"

namespace berth::cli {

struct ContainerAddress {
  std::string task_id;    // the id alone, also when an ARN was given
  std::string container;  // the container's name in the task definition; exec: "" = not given
};

enum class ContainerWord { required, optional };

// Checks TASK (`0123abcd...` or `arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID`) and CONTAINER
// (ECS's name rule: letters, digits, '-' and '_', at most 255) and returns them; InvalidParameter
// naming the bad word otherwise. Both end up in a path, so nothing else may pass.
// An optional container may be "" (exec: the daemon picks the task's only or only essential one).
[[nodiscard]] Result<ContainerAddress> parse_container_address(const std::string& task, const std::string& container,
                                                               ContainerWord word = ContainerWord::required);

// The runc id the agent gives the container at `address`.
std::string runtime_id_of(const ContainerAddress& address);

struct ExecWords {
  ParsedArgs args;                   // the config flags; positional = TASK [CONTAINER]
  ContainerAddress address;
  bool tty = false;                  // -t / --tty
  bool interactive = false;          // -i / --interactive
  std::vector<std::string> command;  // the words after "--"
};

// Parses the words after `berth exec`: [-t] [-i] (or -it) [config flags] TASK [CONTAINER] -- CMD...
// `value_flags` are the config flags the verb accepts. A --help alone is valid (args.help).
[[nodiscard]] Result<ExecWords> parse_exec_words(const std::vector<std::string>& words,
                                                 const std::set<std::string>& value_flags);

}  // namespace berth::cli
