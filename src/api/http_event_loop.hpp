// The accept/read front of the API server: one thread with epoll over non-blocking sockets reads
// requests into per-connection bounded parsers under deadlines, and hands only complete requests
// to a small bounded worker pool; replies are written back by the same thread. A slow or idle
// client therefore costs a connection slot and its bounded buffers, never a worker. A handler may
// also defer its reply (HttpResponse::defer: a parked long poll): its worker is free at once, the
// connection waits reading nothing, and whoever later calls the ReplyWriter queues the reply for
// this thread to write (a writer called after stop() is ignored). After a 101
// reply with a takeover (HttpResponse::takeover: unix socket or TLS) the loop stops serving that
// connection and calls the takeover on its own thread with the socket (for TLS, a socketpair's
// end that api/tls/tls_handover.hpp relays through the session), which the takeover owns from then on (it must only pass it on, e.g. to a thread of its own, and close it if it cannot).
// A reply with a stream (api/http_stream.hpp) keeps its connection after the head: no thread
// waits on it; every stream_poll_interval a worker asks the stream for what is new.
// start() and stop() may be called from any thread (stop from one at a time); everything else
// runs on the loop thread. The implementation is split by concept: http_event_loop_impl.hpp
// (its state; the files that implement it), http_connection.hpp and http_completion_queue.hpp.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "api/http_peer.hpp"
#include "api/http_request_parser.hpp"
#include "api/http_response.hpp"
#include "common/result.hpp"

namespace berth::api::tls {
class TlsServerConfig;
}

namespace berth::api {

struct HttpLoopOptions {
  HttpLimits limits;
  // From a request's first byte (or a connection's accept) to its last: head and body together.
  std::chrono::milliseconds request_timeout{20'000};
  // A request with a worker longer than this has its connection closed (the reply, if it ever
  // comes, is dropped): a backstop so that no connection, slot or stop() waits forever.
  std::chrono::milliseconds handler_timeout{600'000};
  // An idle keep-alive connection is closed after this.
  std::chrono::milliseconds idle_timeout{60'000};
  // After a final reply, the rest of what the client sends is read and dropped for this long,
  // so closing does not reset the connection before the client has read the reply.
  std::chrono::milliseconds linger_timeout{2'000};
  // Beyond these a new connection is answered 503 and closed. Unix-socket peers count only in
  // the total; TCP peers also per IP address.
  std::size_t max_connections = 256;
  std::size_t max_connections_per_peer = 64;
  // Request bytes held by all connections still being read (parsed headers, line and body
  // buffers by capacity, pipelined input); past it the request that would grow it further is
  // answered 503 and its connection closed.
  std::size_t max_buffered_bytes = 16 << 20;
  std::size_t workers = 4;
  // Complete requests waiting for a worker; a request that finds the queue full is answered 503.
  std::size_t queue_depth = 32;
  // Streamed replies (HttpResponse::stream): each open stream is asked for its next piece this
  // often, on a worker; beyond max_streams open at once a new one is answered 503.
  std::chrono::milliseconds stream_poll_interval{1'000};
  std::size_t max_streams = 16;
};

// Runs on a worker thread with the request and who sent it. A throw is answered 500
// ServerException.
using HttpHandler = std::function<HttpResponse(const HttpRequest&, const HttpPeer&)>;

struct HttpListener {
  enum class Kind { tcp, unix_socket };
  HttpListener(int listening_fd, Kind listener_kind, std::shared_ptr<tls::TlsServerConfig> server_tls = nullptr)
      : fd(listening_fd), kind(listener_kind), tls(std::move(server_tls)) {}

  int fd = -1;  // listening, non-blocking; owned by the loop from start() on
  Kind kind = Kind::tcp;
  // When set, every connection first completes a TLS handshake (within request_timeout; one
  // that fails or stalls is closed without a reply), then speaks HTTP inside the session. Each
  // such connection counts TlsSession::memory_bytes() in max_buffered_bytes for its lifetime.
  std::shared_ptr<tls::TlsServerConfig> tls;
};

class HttpEventLoop {
 public:
  // Starts the loop thread and the workers over `listeners` (closed by the loop, even on error).
  [[nodiscard]] static Result<std::unique_ptr<HttpEventLoop>> start(std::vector<HttpListener> listeners,
                                                                    const HttpLoopOptions& options,
                                                                    HttpHandler handler);
  ~HttpEventLoop();

  // Closes the listeners and idle connections at once, lets requests already received (head
  // complete) finish and be answered, then joins every thread. Idempotent.
  void stop();

  struct Impl;

 private:
  explicit HttpEventLoop(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace berth::api
