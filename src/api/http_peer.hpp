// Who is at the other end of an API connection, as the kernel reported it at accept: what the
// API authenticates and authorizes by. Plain data, fixed for the connection's life.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace berth::api {

// The connecting process as SO_PEERCRED reports it (taken when it connected).
struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups (SO_PEERGROUPS)
};

struct HttpPeer {
  enum class Transport { tcp, tls, unix_socket } transport = Transport::tcp;
  std::string address;    // TCP/TLS: the numeric IP address ("127.0.0.1", "::1"); unix: ""
  bool loopback = false;  // TCP/TLS from 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104
  std::optional<PeerCredentials> credentials;  // unix socket only
};

}  // namespace berth::api
