// `berth attach TASK CONTAINER`: this terminal's input to a running container's stdin and its
// live output here, through the socket its shim serves (root only; no daemon needed, so it works
// across berth's restarts). Ctrl-C detaches and leaves the container running. TASK may be a
// short prefix of the task's id: without a daemon to ask, it is looked up among the runtime's
// container state directories ("<task id>-<container>"), and must match one task only. A
// container not running here is asked of the daemon: on a serving gateway, a task on a joined
// gateway is attached to through its agent (a relayed session, authorized as berth:ExecuteCommand).

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <iostream>

#include "cli/container_address.hpp"
#include "cli/ecs_client.hpp"
#include "cli/exec_client.hpp"
#include "cli/frame_relay.hpp"
#include "cli/id_prefix.hpp"
#include "cli/runc_paths.hpp"
#include "cli/usage.hpp"
#include "cli/resource_lookup.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"
#include "common/files.hpp"
#include "runtime/linux/unix_socket.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::cli {
namespace {

// The tasks with a container named `container` in the runtime's state under `state_root`, as
// prefix candidates (the directory's name less "-<container>"; a task id has no '-').
std::vector<Candidate> tasks_with_container(const std::string& state_root, const std::string& container) {
  std::vector<Candidate> out;
  const std::string suffix = "-" + container;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(state_root, error)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(suffix) || name.size() == suffix.size()) continue;
    const std::string task = name.substr(0, name.size() - suffix.size());
    if (task.find('-') != std::string::npos) continue;
    out.push_back(Candidate{"task", task, task, ""});
  }
  return out;
}

// Attaches through the daemon on its unix socket (the container runs on a joined gateway);
// nothing when no daemon answers there.
std::optional<int> attach_through_daemon(const ParsedArgs& args, const Config& config, const ContainerAddress& address) {
  auto connected = runtime::connect_unix(config.socket_path);
  if (!connected) return std::nullopt;
  const auto api = connect_verb(args, config, "attach");
  if (!api) return api.error();
  model::ExecSessionRequest request;
  auto task = task_reference(EcsClient(config, *api), args.positional[0], EcsClient::Stopped::exclude);
  if (!task) return report_failure(task.error());
  request.task = *task;
  request.container = address.container;
  request.attach = true;
  if (write_all(connected->get(), exec_session_request(request)) != 0) {
    std::cerr << "berth: the daemon closed the connection\n";
    return 1;
  }
  auto early = read_session_opening(connected->get(), "the daemon");
  if (!early) {
    std::cerr << "berth: " << early.error().message << "\n";
    return 1;
  }
  return relay_frames(connected->get(), {}, *early);
}

}  // namespace

int attach_verb(const Words& words) {
  auto args = parse_args(words, config_flags());
  if (!args) return usage_error(args.error().message, "attach");
  if (args->help) {
    std::cout << verb_usage("attach");
    return 0;
  }
  if (args->positional.size() != 2) return usage_error("attach takes TASK CONTAINER", "attach");
  auto address = parse_container_address(args->positional[0], args->positional[1]);
  if (!address) return usage_error(address.error().message, "attach");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "attach");
  const std::string state_root = runc_paths(*config).state_root;
  std::error_code missing;
  if (!std::filesystem::exists(state_root + "/" + runtime_id_of(*address), missing)) {
    // No container of that exact id: a prefix of one task's (none: it is not running, said below).
    const auto candidates = tasks_with_container(state_root, address->container);
    const bool prefixes_any = std::any_of(candidates.begin(), candidates.end(),
                                          [&](const Candidate& c) { return c.id.starts_with(address->task_id); });
    if (prefixes_any) {
      auto task = resolve_prefix(address->task_id, candidates, "running task", "`berth ps` lists the tasks");
      if (!task) {
        std::cerr << "berth: " << task.error().message << "\n";
        return 1;
      }
      address->task_id = task->id;
    }
  }
  const std::string path = state_root + "/" + runtime_id_of(*address) + "/" + runtime::k_attach_socket;
  auto socket = runtime::connect_unix(path);
  if (!socket) {
    const int error = socket.error().sys_errno;
    if (error == ENOENT || error == ECONNREFUSED) {
      if (auto relayed = attach_through_daemon(*args, *config, *address)) return *relayed;
    }
    std::cerr << "berth: " << (error == ENOENT || error == ECONNREFUSED
                                   ? "container '" + address->container + "' of task " + address->task_id + " is not running on this gateway"
                                   : socket.error().message)
              << "\n";
    return 1;
  }
  return relay_frames(socket->get(), {});
}

}  // namespace berth::cli
