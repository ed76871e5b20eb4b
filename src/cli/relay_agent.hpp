// A joined gateway's side of relayed sessions (`berth exec -i/-t` and `berth attach` on the
// serving gateway for a task here; this gateway has no inbound port): for each session a poll
// lists, connects back to the server's API (the server in use: the one whose poll listed it, over
// TLS, its certificate checked as for the polls), POSTs model::k_relay_path signed with the instance's key, and once answered 101
// serves the session on that connection: an exec through RuntimeContainerCommands (as a local
// `berth exec` session, counted with them), an attach spliced with the container's attach socket
// (its shim's). Each session on a thread of its own, at most k_max_relayed_sessions. A refusal
// here (container not running, too many sessions) is told on the session (stderr, exit 255).
// Thread-safe.
#pragma once

#include <functional>
#include <string>

#include "agent/control_plane.hpp"
#include "cli/container_commands.hpp"
#include "cli/failover_control_plane.hpp"
#include "common/session_threads.hpp"
#include "model/relay_requests.hpp"
#include "runtime/http/http_client.hpp"

namespace berth::cli {

inline constexpr std::size_t k_max_relayed_sessions = 8;
// How long the server may take to answer the connection back (its 101 or a refusal).
inline constexpr int k_relay_reply_timeout_s = 30;

class RelayAgent {
 public:
  // `server`: the server in use when a session starts (FailoverControlPlane::current);
  // `state_root`: the runtime's container state (where the attach sockets are).
  RelayAgent(std::function<ServerEndpoint()> server, RuntimeContainerCommands& commands, std::string state_root)
      : m_server(std::move(server)), m_commands(commands), m_state_root(std::move(state_root)) {}
  ~RelayAgent() { stop(); }
  RelayAgent(const RelayAgent&) = delete;
  RelayAgent& operator=(const RelayAgent&) = delete;

  // Serves `request` for `identity`'s instance on a thread of its own; returns at once. With
  // k_max_relayed_sessions running, it is left (the server tells its user no agent came).
  void serve(const agent::JoinedIdentity& identity, const model::RelayRequest& request);
  // Cuts the sessions under way and joins their threads (exec sessions end with the commands'
  // stop()). Idempotent.
  void stop() { m_threads.stop(); }

 private:
  void run(SessionThreads::Session& session, const agent::JoinedIdentity& identity, const model::RelayRequest& request);

  const std::function<ServerEndpoint()> m_server;
  RuntimeContainerCommands& m_commands;
  const std::string m_state_root;
  SessionThreads m_threads{k_max_relayed_sessions};
};

}  // namespace berth::cli
