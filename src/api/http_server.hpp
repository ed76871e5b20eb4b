// The ECS API over HTTP: one listener on TCP and one on a unix socket, both serving the same
// routes; the task metadata endpoint is a second server of this kind with its own routes and
// listeners (api/metadata_routes.hpp). start() binds before returning, so a caller knows the API is reachable; stop() closes
// the listeners and idle connections at once, finishes requests in flight and returns.
// Thread-safe.
//
// Threads (see api/http_event_loop.hpp):
// - the event loop (1): owns both listening sockets and every connection: accepts, reads
//   requests into per-connection parsers bounded by HttpLimits, enforces the deadlines and the
//   connection limits, writes replies. It never runs a use case, so a slow or idle client never
//   delays another. It writes no table.
// - the workers (`workers`, 4 by default): take complete requests from a queue of at most
//   `queue_depth` (a full queue is answered 503 ServerException) and run the use cases; they
//   are the only API threads that read or write the store. A throwing handler is answered 500.
//   A deferred reply (HttpResponse::defer) frees its worker at once; its writer, called later
//   from another thread (svc/poll_answerer for a parked PollInstanceTasks), hands the reply to
//   the loop.
// Bounds: per connection one request at a time (head <= max_header_bytes, <= max_header_count
// headers, body <= max_body_bytes decoded, whatever the framing); max_connections in total,
// max_connections_per_peer per TCP client address (loopback clients count in the total only); request bytes buffered across connections
// <= 16 MiB (each TLS connection counts its ~38 KiB of session buffers in it); each request's head
// and body within request_timeout, an idle keep-alive connection closed after idle_timeout.
// TLS (ServerOptions::tls): the TCP listener's connections handshake first, within
// request_timeout, on the loop thread (the handshake's ECDHE and ECDSA run there too).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "api/http_event_loop.hpp"
#include "api/http_routes.hpp"

namespace berth::api {
namespace tls {
class TlsServerConfig;
}

struct ServerOptions {
  std::string listen;       // "host:port"; port 0 picks a free one; "" = no TCP listener
  std::string socket_path;  // unix socket path; "" = none
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_header_count = 100;
  std::chrono::milliseconds request_timeout{20'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_connections = 256;
  std::size_t max_connections_per_peer = 64;
  std::size_t workers = 4;
  std::size_t queue_depth = 32;
  // TLS on the TCP listener (null: plain HTTP); see HttpListener::tls.
  std::shared_ptr<tls::TlsServerConfig> tls = nullptr;
  // More TCP addresses ("host:port") served alike, bound even while the address is not yet on
  // any interface (IP_FREEBIND): the bridge's gateway address appears with the first bridge task.
  std::vector<std::string> listen_also{};
};

class HttpEventLoop;

class HttpServer {
 public:
  // Serves `api` (which must outlive the server) on the listeners `options` names.
  [[nodiscard]] static Result<std::unique_ptr<HttpServer>> start(ApiServices& api, const ServerOptions& options);
  // Serves `handler`'s routes instead of the ECS API's (what it refers to must outlive the server).
  [[nodiscard]] static Result<std::unique_ptr<HttpServer>> start(HttpHandler handler, const ServerOptions& options);
  ~HttpServer();

  // The bound TCP port (useful with port 0), or 0 without a TCP listener.
  int tcp_port() const { return m_port; }
  // Stops accepting, closes idle keep-alive connections, finishes requests in flight, joins the
  // server threads. Idempotent and thread-safe: a concurrent call returns once the server is
  // stopped.
  void stop();

 private:
  HttpServer(std::unique_ptr<HttpEventLoop> loop, int port, std::string socket_path);

  Mutex m_stop_mutex;  // stop() from several threads: one stops, the others wait for it
  std::unique_ptr<HttpEventLoop> m_loop BERTH_GUARDED_BY(m_stop_mutex);
  int m_port = 0;
  std::string m_socket_path;
};

}  // namespace berth::api
