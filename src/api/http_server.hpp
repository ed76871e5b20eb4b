// The ECS API over HTTP: one listener on TCP and one on a unix socket, both serving the same
// dispatch. start() binds before returning, so a caller knows the API is reachable; stop()
// closes the listeners and waits for in-flight requests. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/result.hpp"
#include "svc/context.hpp"

namespace berth::api {

struct ServerOptions {
  std::string listen;       // "host:port"; port 0 picks a free one; "" = no TCP listener
  std::string socket_path;  // unix socket path; "" = none
  std::size_t max_body_bytes = 1 << 20;
};

class HttpServer {
 public:
  [[nodiscard]] static Result<std::unique_ptr<HttpServer>> start(svc::Context& ctx,
                                                                 const ServerOptions& options);
  ~HttpServer();

  // The bound TCP port (useful with port 0), or 0 without a TCP listener.
  int tcp_port() const;
  // Stops accepting, finishes requests in flight, joins the server threads. Idempotent.
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace berth::api
