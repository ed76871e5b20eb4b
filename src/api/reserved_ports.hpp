// TCP ports bound at start-up, before the process opens any connection, and handed over to the
// servers that listen on them later (ServerOptions::reserved).
//
// Why: a connection's local port comes from the kernel's ephemeral range (32768-60999 by default
// on Linux), and berth's own ports lie in it (API 51678, task metadata 51679). The API listens
// last of all, after a replicated server's node has connected to itself and its peers and after
// the agent may have pulled images, so such a connection could hold the port and the API did not
// start ("cannot listen on 0.0.0.0:51678: Address already in use"; seen once in a test run, and
// every time in a namespace whose ephemeral range is 51678-51679). Linux never gives a connect()
// a port that a socket was bound to explicitly, so a socket bound at once keeps the port.
//
// A reserved socket is bound, not listening: until its server starts, a client is refused as it
// was before. An address that cannot be bound at start-up is not reserved; the server's own bind
// then says why. Thread-safe.
#pragma once

#include <map>
#include <string>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"

namespace berth::api {

struct ServerOptions;

enum class Bind { local_address, any_address };

// A TCP socket (non-blocking, close-on-exec, SO_REUSEADDR) bound to "host:port", not yet
// listening: its descriptor, which the caller closes. Bind::any_address also binds an address no
// interface has yet (IP_FREEBIND).
[[nodiscard]] Result<int> bind_tcp(const std::string& address, Bind bind);

class ReservedPorts {
 public:
  ReservedPorts() = default;
  ReservedPorts(const ReservedPorts&) = delete;
  ReservedPorts& operator=(const ReservedPorts&) = delete;
  // Closes the sockets no server took.
  ~ReservedPorts();

  // Binds the TCP addresses `options` names (listen, and listen_also as the server binds them)
  // whose port is fixed; port 0 is picked by the server as it binds.
  void reserve(const ServerOptions& options);
  // The socket reserved for `address` (exactly as `options` named it), now the caller's; -1 if
  // none.
  [[nodiscard]] int take(const std::string& address);

 private:
  void reserve_address(const std::string& address, Bind bind);

  Mutex m_mutex;
  std::map<std::string, int> m_sockets BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth::api
