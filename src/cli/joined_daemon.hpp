// `berth serve --join URL`: the parts of a joined gateway, which runs only the agent. Its store
// (berth.db in its own data dir) holds the desired state mirrored from the serving gateway and
// what its agent observed; its runc runtime, image store, shims and logs are its own. The agent
// is the local agent, registered through a JoinedRegistrar and fed by the ServerLink instead of
// the API; no API or scheduler runs here. The task metadata endpoint serves this gateway's
// containers from its store, with ARNs in the server's region and account. Commands the server
// asks for run through this gateway's runc (cli/container_commands), and the interactive sessions
// it relays are served over connections back to it (cli/relay_agent); the secrets its tasks need
// come with the server's poll replies and stay in memory (agent/served_secrets). Its awslogs
// containers' output goes into a log store of its own, forwarded when BERTH_LOGS_FORWARD_URL is
// set (JoinedGatewayLogs). Thread-safety: open(), start() and stop() from one thread.
#pragma once

#include <memory>
#include <string>

#include "agent/agent.hpp"
#include "agent/joined_registrar.hpp"
#include "agent/served_secrets.hpp"
#include "agent/server_link.hpp"
#include "cli/container_commands.hpp"
#include "cli/control_plane_client.hpp"
#include "cli/failover_control_plane.hpp"
#include "cli/daemon.hpp"
#include "cli/joined_gateway_logs.hpp"
#include "cli/metadata_endpoint.hpp"
#include "cli/relay_agent.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/runc/runc_runtime.hpp"
#include "runtime/shim/exit_watcher.hpp"
#include "store/store.hpp"

namespace berth::cli {

class JoinedDaemon {
 public:
  // Makes the state directories, opens the store and the image store, builds the parts.
  [[nodiscard]] static Result<std::unique_ptr<JoinedDaemon>> open(const Config& config, const agent::AgentConfig& agent_config);
  ~JoinedDaemon();
  JoinedDaemon(const JoinedDaemon&) = delete;
  JoinedDaemon& operator=(const JoinedDaemon&) = delete;

  // Joins (first start) or registers again, then starts the agent, the exit watcher and the link.
  // Returns the line that says the agent is running.
  [[nodiscard]] Result<std::string> start();
  // Stops the link, the exit watcher and the agent; containers keep running. Idempotent.
  void stop();

 private:
  JoinedDaemon(const Config& config, const agent::AgentConfig& agent_config, const std::vector<ServerEndpoint>& servers,
               std::unique_ptr<store::Store> store,
               std::unique_ptr<runtime::ImageStore> images, const api::auth::SecretKey& metadata_key,
               std::unique_ptr<JoinedGatewayLogs> gateway_logs);

  const Config m_config;
  SystemClock m_clock;
  std::unique_ptr<store::Store> m_store;
  std::unique_ptr<runtime::ImageStore> m_images;
  svc::Context m_ctx;  // the metadata endpoint's reads of the store (its ARNs set by start())
  MetadataEndpoint m_metadata;  // before the agent, which makes containers' tokens with it
  runtime::RuncRuntime m_runtime;
  RuntimeLogs m_logs;  // what the server's log requests are answered from
  RuntimeContainerCommands m_commands;  // what runs the commands the server asks for
  FailoverControlPlane m_server;        // the server, or the servers of a replicated control plane
  RelayAgent m_relays;                  // the sessions the server relays here (after the commands)
  agent::ServedSecrets m_secrets;       // before the agent, which resolves its tasks' secrets here
  agent::JoinedRegistrar m_registrar;
  agent::Agent m_agent;
  runtime::ExitWatcher m_exit_watcher;
  std::unique_ptr<agent::ServerLink> m_link;  // made by start(), once the node is registered
  std::unique_ptr<JoinedGatewayLogs> m_gateway_logs;
};

}  // namespace berth::cli
