// `berth serve`: the daemon. Reads the configuration, builds the parts (cli/daemon.hpp, or
// cli/joined_daemon.hpp for a gateway that joins another's cluster), starts them and waits for
// SIGTERM/SIGINT; then stops them. Containers keep running.
#include <signal.h>

#include "agent/agent.hpp"
#include "cli/daemon.hpp"
#include "cli/joined_daemon.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "common/log.hpp"
#include "runtime/linux/gpus.hpp"

namespace berth::cli {

int serve_verb(const Words& words) {
  auto config = config_of_verb(words, "serve");
  if (!config) return config.error();
  set_log_level(config->log_level);
  for (const auto& key : config->unknown_keys) log_warn("unknown key " + key + ": not one of berth's configuration keys; ignored");
  auto agent_config = agent::AgentConfig::from(*config);
  if (!agent_config) return usage_error(agent_config.error().message, "serve");
  auto gpus = runtime::find_host_gpus(config->gpu_devices);
  if (!gpus) return usage_error(gpus.error().message, "serve");
  agent_config->gpus = std::move(*gpus);

  // Signals are taken by sigwait below: block them before any thread exists.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const auto fail_start = [](const Error& error) {
    log_error("cannot start: " + error.message);
    return 1;
  };
  const auto serve_until_signal = [&](auto& daemon) {
    auto ready = daemon->start();
    if (!ready) return fail_start(ready.error());
    log_info(*ready);
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    log_info(std::string("stopping on ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") +
             "; containers keep running");
    daemon->stop();
    log_info("stopped");
    return 0;
  };
  // A joined gateway runs only the agent, fed by the serving gateway.
  if (!config->join_url.empty()) {
    auto joined = JoinedDaemon::open(*config, *agent_config);
    if (!joined) return fail_start(joined.error());
    return serve_until_signal(*joined);
  }
  auto daemon = Daemon::open(*config, *agent_config);
  if (!daemon) return fail_start(daemon.error());
  return serve_until_signal(*daemon);
}

}  // namespace berth::cli
