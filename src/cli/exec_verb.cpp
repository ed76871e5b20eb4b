// `berth exec [-t] [-i] TASK [CONTAINER] -- COMMAND...`: runs a command in a running container
// through the daemon (a session on its unix socket, or with --endpoint on a berth's TLS listener
// signed with SigV4; authorized as berth:ExecuteCommand), with this process's stdio relayed, and
// exits with the command's status. TASK is an id, an unambiguous prefix of one, or an ARN. When no daemon answers,
// root runs `runc exec` itself: containers outlive berth (restarts, upgrades), and root could
// run runc anyway, so the fallback grants nothing the daemon would refuse.
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>

#include "api/http_routes.hpp"
#include "cli/container_address.hpp"
#include "cli/exec_client.hpp"
#include "cli/frame_relay.hpp"
#include "cli/runc_paths.hpp"
#include "cli/resource_lookup.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"
#include "common/files.hpp"
#include "runtime/http/tls_tunnel.hpp"
#include "runtime/linux/unix_socket.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::cli {
namespace {

// Puts this terminal in raw mode while it lives (the container's terminal does the echo and
// line editing), and restores it.
class RawTerminal {
 public:
  RawTerminal() {
    if (::tcgetattr(STDIN_FILENO, &m_saved) != 0) return;
    termios raw = m_saved;
    ::cfmakeraw(&raw);
    m_active = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (m_active) ::tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  termios m_saved{};
  bool m_active = false;
};

// Runs runc exec in this process (root, no daemon); returns only on failure.
int exec_runc_directly(const Config& config, const ExecWords& words) {
  if (words.address.container.empty()) {
    std::cerr << "berth: no daemon answers, and without it CONTAINER must be given\n";
    return 2;
  }
  const runtime::RuncPaths paths = runc_paths(config);
  const std::string id = runtime_id_of(words.address);
  // A running container's shim has written its pid and no exit record yet.
  const std::string state = paths.state_root + "/" + id + "/";
  if (::access((state + runtime::k_shim_pid_file).c_str(), F_OK) != 0 ||
      ::access((state + runtime::k_exit_file).c_str(), F_OK) == 0) {
    std::cerr << "berth: container '" << words.address.container << "' of task " << words.address.task_id
              << " is not running on this gateway\n";
    return 1;
  }
  if (!words.interactive) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  }
  std::vector<std::string> argv{paths.runc, "--root", paths.runc_root, "exec"};
  if (words.tty) argv.push_back("--tty");
  argv.push_back(id);
  argv.insert(argv.end(), words.command.begin(), words.command.end());
  std::vector<char*> c_argv;
  for (auto& word : argv) c_argv.push_back(word.data());
  c_argv.push_back(nullptr);
  ::execvp(c_argv[0], c_argv.data());
  std::cerr << "berth: cannot run " << paths.runc << ": " << std::strerror(errno) << "\n";
  return 127;
}

}  // namespace

int exec_verb(const Words& words) {
  auto flags = config_flags();
  flags.merge(endpoint_flags());
  auto parsed = parse_exec_words(words, flags);
  if (!parsed) return usage_error(parsed.error().message, "exec");
  if (parsed->args.help) {
    std::cout << verb_usage("exec");
    return 0;
  }
  auto config = load_config(parsed->args);
  if (!config) return usage_error(config.error().message, "exec");
  // runc sizes the command's terminal from ours; the daemon's pty takes our size.
  if (parsed->tty && !::isatty(STDIN_FILENO)) {
    std::cerr << "berth: exec -t needs a terminal (this process's input is not one)\n";
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);  // a daemon that goes away is reported, not fatal
  const auto api = connect_verb(parsed->args, *config, "exec");
  if (!api) return api.error();
  model::ExecSessionRequest request;
  if (!parsed->address.container.empty()) request.container = parsed->address.container;
  request.argv = parsed->command;
  request.tty = parsed->tty;
  request.interactive = parsed->interactive;
  // The session's connection: the daemon's unix socket, or with --endpoint a TLS tunnel to a
  // berth's listener on which the signed request is already sent.
  runtime::UniqueFd socket;
  std::unique_ptr<runtime::TlsTunnel> tunnel;
  int connection = -1;
  if (api->remote()) {
    auto task = task_reference(EcsClient(*config, *api), parsed->args.positional[0], EcsClient::Stopped::exclude);
    if (!task) return report_failure(task.error());
    request.task = *task;
    auto opened = api->open_upgrade(std::string(api::k_exec_path), exec_session_headers(), exec_session_body(request), "berth");
    if (!opened) {
      if (opened.error().code == Code::invalid_parameter) return usage_error(opened.error().message, "exec");
      return report_failure(opened.error());
    }
    tunnel = std::move(*opened);
    connection = tunnel->socket();
  } else {
    auto connected = runtime::connect_unix(config->socket_path);
    if (!connected) {
      const int error = connected.error().sys_errno;
      if ((error == ENOENT || error == ECONNREFUSED) && ::geteuid() == 0) return exec_runc_directly(*config, *parsed);
      std::cerr << "berth: cannot reach berth at " << config->socket_path << ": " << connected.error().message << "\n";
      return 1;
    }
    socket = std::move(*connected);
    connection = socket.get();
    auto task = task_reference(EcsClient(*config, *api), parsed->args.positional[0], EcsClient::Stopped::exclude);
    if (!task) return report_failure(task.error());
    request.task = *task;
    if (write_all(connection, exec_session_request(request)) != 0) {
      std::cerr << "berth: the daemon closed the connection\n";
      return 1;
    }
  }
  auto early = read_session_opening(connection, "the daemon");
  if (!early) {
    std::cerr << "berth: " << early.error().message << "\n";
    return 1;
  }
  std::optional<RawTerminal> raw;
  if (parsed->tty) raw.emplace();
  return relay_frames(connection, {.end_input = parsed->interactive, .terminal_size = parsed->tty}, *early);
}

}  // namespace berth::cli
