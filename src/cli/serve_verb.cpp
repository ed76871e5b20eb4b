// `berth serve`: the daemon. Reads the configuration, builds the parts (cli/daemon.hpp, or
// cli/joined_daemon.hpp for a gateway that joins another's cluster), starts them and waits for
// SIGTERM/SIGINT; then stops them. Containers keep running. With BERTH_PEERS it is one server of
// a replicated control plane (cli/control_plane.hpp), in a binary built with the engine.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "agent/agent.hpp"
#include "api/reserved_ports.hpp"
#include "cli/control_plane.hpp"
#include "cli/daemon.hpp"
#include "cli/joined_daemon.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "common/log.hpp"
#include "runtime/linux/gpus.hpp"
#include "runtime/network/source_address.hpp"

namespace berth::cli {
namespace {

// The address a joined gateway registers for other gateways to reach its tasks' host ports at:
// the one its traffic to the serving gateway leaves from (on a gateway's LAN, where the others
// are). "" (logged) when there is none to find, or only loopback: its tasks then stay out of DNS.
std::string joined_instance_address(const std::string& join_url) {
  const auto address = runtime::ipv4_source_toward_url(join_url);
  if (address && !address->starts_with("127.")) {
    log_info("registering " + *address + " as this gateway's address (BERTH_INSTANCE_ADDRESS sets another)");
    return *address;
  }
  log_warn("no address of this gateway for other gateways to reach (" +
           (address ? "the serving gateway is reached over loopback" : address.error().message) +
           "): its tasks are not in service discovery's answers; set BERTH_INSTANCE_ADDRESS");
  return "";
}

}  // namespace

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

  // Before any thread starts, for either daemon: glibc gives each thread that allocates an arena
  // of its own (up to eight per core), and each arena keeps what its thread freed. berth's 40
  // threads are idle most of the time, so those arenas were most of its growth: anonymous memory
  // 1.4 → 5.5 MiB over 60 RunTask/StopTask, 3.3 MiB with two arenas (a malloc_trim after each agent
  // pass: 4.5 MiB). An arena per core costs API throughput under 8 busy connections
  // (DescribeTaskDefinition about 10 % fewer requests a second on 2 cores), which a gateway's
  // memory is worth more than.
  ::mallopt(M_ARENA_MAX, static_cast<int>(std::clamp(::sysconf(_SC_NPROCESSORS_ONLN), 2L, 8L)));

  // Signals are taken by sigwait below: block them before any thread exists.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // Before anything connects anywhere (the control plane's node, the agent's pulls): berth's own
  // ports lie in the kernel's ephemeral range, and a connection could take one before its server
  // listens (api/reserved_ports.hpp). Held until the daemon's start has opened its servers.
  api::ReservedPorts reserved;
  reserved.reserve(MetadataEndpoint::server_options(*agent_config));

  const auto fail_start = [](const Error& error) {
    log_error("cannot start: " + error.message);
    return 1;
  };
  const auto serve_until_signal = [&](auto& daemon) {
    auto ready = daemon->start();
    reserved.release();
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
    if (!config->peers.empty()) return usage_error("BERTH_JOIN and BERTH_PEERS exclude each other: a gateway joins a "
                                                   "cluster's servers, or is one of them", "serve");
    if (agent_config->instance_address.empty()) {
      // Toward the first server: a replicated control plane's servers share the gateways' LAN.
      agent_config->instance_address = joined_instance_address(config->join_url.substr(0, config->join_url.find(',')));
    }
    auto joined = JoinedDaemon::open(*config, *agent_config);
    if (!joined) return fail_start(joined.error());
    return serve_until_signal(*joined);
  }
  // The API's port too (a joined gateway has none), before the control plane's node connects.
  api::ServerOptions api_listener;
  api_listener.listen = config->listen;
  reserved.reserve(api_listener);
  // A server of a replicated control plane (berth-with-engine): its node starts first, and the
  // daemon's store is the replicated one. The plane outlives the daemon (declared before it).
  std::unique_ptr<ControlPlane> plane;
  if (!config->peers.empty()) {
    auto started = start_control_plane(*config);
    if (!started) return fail_start(started.error());
    plane = std::move(*started);
  }
  auto daemon = Daemon::open(*config, *agent_config, plane.get());
  if (!daemon) return fail_start(daemon.error());
  return serve_until_signal(*daemon);
}

}  // namespace berth::cli
