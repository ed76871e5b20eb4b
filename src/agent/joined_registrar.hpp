// How a joined gateway's agent registers its node: as a container instance of the serving
// gateway's cluster. The first start spends the join token (JoinCluster) and keeps what it turned
// into (the instance and its key, agent/control_plane.hpp's JoinedIdentity) in a file of mode
// 0600; later starts register the same instance again with that key (RegisterContainerInstance
// with its containerInstanceArn) and need no token. A server that does not answer at a restart
// costs nothing: the node goes on as the instance it was, registering again once the server
// answers (register_again). Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "agent/control_plane.hpp"
#include "agent/instance_registrar.hpp"
#include "common/thread_annotations.hpp"

namespace berth::agent {

// The largest poll wait join.json keeps (the server's own bound on BERTH_POLL_WAIT_SECONDS).
inline constexpr int k_max_kept_poll_wait_seconds = 300;

// Reads the identity kept at `path`: nothing when there is no file; an error for an unreadable
// or malformed one (never replaced silently: it holds the only copy of the key).
[[nodiscard]] Result<std::optional<JoinedIdentity>> load_joined_identity(const std::string& path);
[[nodiscard]] Result<void> save_joined_identity(const std::string& path, const JoinedIdentity& identity);

class JoinedRegistrar final : public InstanceRegistrar {
 public:
  // `token`: the configured join token ("" = none); `state_file`: where the identity is kept.
  JoinedRegistrar(ControlPlane& server, std::string token, std::string state_file);

  // Registers `node` (see above); returns the server's instance id. Errors: no identity and no
  // token; the token refused; a kept key the server refuses with no new token to join with.
  Result<std::string> register_node(const NodeRegistration& node) override;
  // Registers the node again if the last attempt found no server; returns whether the server
  // now has the node's current registration.
  bool register_again();
  // The identity, once register_node succeeded. REQUIRES: register_node succeeded.
  JoinedIdentity identity() const;

 private:
  Result<std::string> join(const NodeRegistration& node);

  ControlPlane& m_server;
  const std::string m_token;
  const std::string m_state_file;
  mutable Mutex m_mutex;
  std::optional<JoinedIdentity> m_identity BERTH_GUARDED_BY(m_mutex);
  std::optional<NodeRegistration> m_node BERTH_GUARDED_BY(m_mutex);
  bool m_registered BERTH_GUARDED_BY(m_mutex) = false;  // the server has the node's registration
};

}  // namespace berth::agent
