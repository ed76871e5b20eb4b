// TCP ports bound at start-up, before the process opens any connection, and held until the
// servers that listen on them have started.
//
// Why: a connection's local port comes from the kernel's ephemeral range (32768-60999 by default
// on Linux), and berth's own ports lie in it (API 51678, task metadata 51679). The API listens
// last of all, after a replicated server's node has connected to itself and its peers and after
// the agent may have pulled images, so such a connection could hold the port and the API did not
// start ("cannot listen on 0.0.0.0:51678: Address already in use"; seen once in a test run, and
// every time in a namespace whose ephemeral range is 51678-51681). Linux never gives a connect()
// a port that a socket was bound to explicitly, so a socket bound at once keeps the port.
//
// A reserved socket is bound, not listening: until its server starts, a client is refused as it
// was before. The server binds the same address beside it (Linux lets SO_REUSEADDR sockets share
// a port while none of them listens), and the reservation is released once the servers listen.
// An address that cannot be bound at start-up is not reserved; the server's own bind then says
// why. Thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"

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
  ~ReservedPorts() { release(); }

  // Binds the TCP addresses `options` names (listen, and listen_also as the server binds them)
  // whose port is fixed; port 0 is picked by the server as it binds.
  void reserve(const ServerOptions& options);
  // Closes the reserved sockets: once their servers listen (or could not).
  void release();
  // How many addresses are held.
  std::size_t held() const { return m_sockets.size(); }

 private:
  void reserve_address(const std::string& address, Bind bind);

  std::vector<int> m_sockets;
};

}  // namespace berth::api
