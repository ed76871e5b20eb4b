#include "cli/relay_agent.hpp"

#include <unistd.h>

#include <cerrno>

#include "cli/api_connection.hpp"
#include "cli/exec_client.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "common/socket_splice.hpp"
#include "runtime/linux/unix_socket.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::cli {

void RelayAgent::serve(const agent::JoinedIdentity& identity, const model::RelayRequest& request) {
  const bool started = m_threads.start(
      [this, identity, request](SessionThreads::Session& session) { run(session, identity, request); });
  if (!started) {
    log_warn("a relayed session is left: " + std::to_string(k_max_relayed_sessions) +
             " run here already (or berth is stopping)");
  }
}

void RelayAgent::run(SessionThreads::Session& session, const agent::JoinedIdentity& identity,
                     const model::RelayRequest& request) {
  const ServerEndpoint server = m_server();
  const ApiConnection api(server.url, server.trust, {identity.access_key_id, identity.secret_access_key, identity.region});
  const model::ConnectRelayRequest connect{identity.cluster, identity.instance_arn, request.id};
  auto tunnel = api.open_upgrade(std::string(model::k_relay_path),
                                 {{"Connection", "Upgrade"},
                                  {"Upgrade", std::string(model::k_relay_upgrade)},
                                  {"Content-Type", "application/json"}},
                                 model::encode_connect_relay(connect).dump(), "berth");
  if (!tunnel) {
    log_warn("cannot connect back for a relayed session: " + tunnel.error().message);
    return;
  }
  const int fd = (*tunnel)->socket();
  if (!session.watch(fd)) return;
  auto early = read_session_opening(fd, "the serving gateway", k_relay_reply_timeout_s);
  if (!early) {
    log_warn("the serving gateway refused a relayed session: " + early.error().message);
    return;
  }
  // A refusal here ends the session with its reason (the handoff takes a socket of its own).
  const auto refuse = [&](const std::string& why) {
    if (const int copy = ::dup(fd); copy >= 0) m_commands.refuse("berth: " + why + "\n")(copy, "");
  };
  if (request.kind == model::RelayRequest::Kind::exec) {
    model::ExecSessionRequest exec;
    exec.argv = request.argv;
    exec.tty = request.tty;
    exec.interactive = request.interactive;
    if (auto served = m_commands.serve_session(request.runtime_id, exec, fd, std::move(*early)); !served) {
      refuse(served.error().message);
    }
    return;
  }
  const std::string path = m_state_root + "/" + request.runtime_id + "/" + runtime::k_attach_socket;
  auto attached = runtime::connect_unix(path);
  if (!attached) {
    const int error = attached.error().sys_errno;
    refuse(error == ENOENT || error == ECONNREFUSED ? "the container is not running on its gateway" : attached.error().message);
    return;
  }
  if (!session.watch(attached->get()) || (!early->empty() && write_all(attached->get(), *early) != 0)) return;
  const int copy = ::dup(fd);
  if (copy < 0) return;
  splice_sockets(copy, attached->release());
}

}  // namespace berth::cli
