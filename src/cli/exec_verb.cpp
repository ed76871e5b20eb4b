// `berth exec [-t] [-i] TASK CONTAINER -- COMMAND...`: runs a command in a running container
// through `runc exec`, with this process's stdio passed through, and exits with the command's
// status. Reaches the runtime directly (root only; no daemon needed). ECS ExecuteCommand (SSM)
// is a different thing and stays unsupported.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/container_address.hpp"
#include "cli/runc_paths.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::cli {

int exec_verb(const Words& words) {
  auto parsed = parse_exec_words(words, config_flags());
  if (!parsed) return usage_error(parsed.error().message, "exec");
  if (parsed->args.help) {
    std::cout << verb_usage("exec");
    return 0;
  }
  auto config = load_config(parsed->args);
  if (!config) return usage_error(config.error().message, "exec");
  const runtime::RuncPaths paths = runc_paths(*config);
  const std::string id = runtime_id_of(parsed->address);
  // A running container's shim has written its pid and no exit record yet. Checked here because
  // runc's own message would name the runtime id instead of the task's container.
  const std::string state = paths.state_root + "/" + id + "/";
  if (::access((state + runtime::k_shim_pid_file).c_str(), F_OK) != 0 ||
      ::access((state + runtime::k_exit_file).c_str(), F_OK) == 0) {
    std::cerr << "berth: container '" << parsed->address.container << "' of task " << parsed->address.task_id
              << " is not running on this gateway\n";
    return 1;
  }
  // runc makes the pty and copies this terminal to it; it needs one of its own streams to be a
  // terminal to size the pty from (and panics without).
  if (parsed->tty && !::isatty(STDIN_FILENO) && !::isatty(STDOUT_FILENO) && !::isatty(STDERR_FILENO)) {
    std::cerr << "berth: exec -t needs a terminal (this process's input and output are not one)\n";
    return 2;
  }
  // Without -i the command reads no input, as with docker exec.
  if (!parsed->interactive) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  }
  std::vector<std::string> argv{paths.runc, "--root", paths.runc_root, "exec"};
  if (parsed->tty) argv.push_back("--tty");
  argv.push_back(id);
  argv.insert(argv.end(), parsed->command.begin(), parsed->command.end());
  std::vector<char*> c_argv;
  for (auto& word : argv) c_argv.push_back(word.data());
  c_argv.push_back(nullptr);
  ::execvp(c_argv[0], c_argv.data());
  std::cerr << "berth: cannot run " << paths.runc << ": " << std::strerror(errno) << "\n";
  return 127;
}

}  // namespace berth::cli
