#include "cli/container_address.hpp"

#include <algorithm>

#include "agent/container_spec_builder.hpp"

namespace berth::cli {
namespace {

bool name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool valid_name(const std::string& word) {
  return !word.empty() && word.size() <= 255 && std::all_of(word.begin(), word.end(), name_character);
}

}  // namespace

Result<ContainerAddress> parse_container_address(const std::string& task, const std::string& container,
                                                 ContainerWord word) {
  std::string id = task;
  if (task.starts_with("arn:")) {
    // arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID (or the older task/ID)
    const auto resource = task.find(":task/");
    if (resource == std::string::npos) return fail(Code::invalid_parameter, "'" + task + "' is not a task ARN");
    id = task.substr(task.rfind('/') + 1);
  }
  if (!valid_name(id)) return fail(Code::invalid_parameter, "'" + task + "' is not a task id or ARN");
  if (!(container.empty() && word == ContainerWord::optional) && !valid_name(container)) return fail(Code::invalid_parameter, "'" + container + "' is not a container name");
  return ContainerAddress{id, container};
}

std::string runtime_id_of(const ContainerAddress& address) {
  return agent::runtime_id_of(address.task_id, address.container);
}

Result<ExecWords> parse_exec_words(const std::vector<std::string>& words, const std::set<std::string>& value_flags) {
  ExecWords out;
  const auto dashes = std::find(words.begin(), words.end(), "--");
  std::vector<std::string> before;
  for (auto it = words.begin(); it != dashes; ++it) {
    // Docker's short spellings, which parse_args does not know.
    if (*it == "-t" || *it == "-i" || *it == "-it" || *it == "-ti") {
      out.tty = out.tty || it->find('t') != std::string::npos;
      out.interactive = out.interactive || it->find('i') != std::string::npos;
    } else {
      before.push_back(*it);
    }
  }
  BERTH_ASSIGN(out.args, parse_args(before, value_flags, {"tty", "interactive"}));
  out.tty = out.tty || out.args.flags.contains("tty");
  out.interactive = out.interactive || out.args.flags.contains("interactive");
  if (out.args.help) return out;
  const std::size_t given = out.args.positional.size();
  if (given != 1 && given != 2) return fail(Code::invalid_parameter, "exec takes TASK [CONTAINER] -- COMMAND...");
  if (dashes == words.end() || dashes + 1 == words.end()) {
    return fail(Code::invalid_parameter, "exec needs a command after --");
  }
  out.command.assign(dashes + 1, words.end());
  BERTH_ASSIGN(out.address, parse_container_address(out.args.positional[0], given == 2 ? out.args.positional[1] : "",
                                                    ContainerWord::optional));
  return out;
}

}  // namespace berth::cli
