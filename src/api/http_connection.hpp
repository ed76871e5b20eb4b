// One client connection of the API's event loop: its socket, phase, deadline, bounded input and
// the reply being written. Internal to the event loop (http_event_loop*.cpp); loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http_peer.hpp"
#include "api/http_request_parser.hpp"
#include "api/http_stream.hpp"
#include "api/tls/tls_server.hpp"

namespace berth::api::http_loop {

using Clock = std::chrono::steady_clock;

struct Connection {
  enum class Phase {
    handshaking,  // TLS: the handshake is not complete yet
    reading,      // reading a request (or idle between requests)
    dispatched,   // a complete request is with a worker; nothing is read meanwhile
    writing,      // sending the reply
    lingering,    // reply sent, write side shut: dropping what the client still sends
    streaming,    // a stream's head sent: its pieces follow, what the client sends is dropped
  };

  Connection(int f, std::string p, HttpPeer who, const HttpLimits& limits)
      : fd(f), peer(std::move(p)), peer_info(std::make_shared<const HttpPeer>(std::move(who))), parser(limits) {}

  int fd;
  std::string peer;  // the per-peer count's key; "" for a unix-socket peer
  std::shared_ptr<const HttpPeer> peer_info;  // handed to the handler with each request
  HttpRequestParser parser;
  Phase phase = Phase::reading;
  // When expire() acts on the connection: by phase, the request, idle, linger or handler
  // timeout, or a stream's next poll.
  Clock::time_point deadline;
  std::string pending_input;  // bytes read past a complete request: the next, pipelined, one
  std::string output;
  std::size_t output_sent = 0;
  bool continue_sent = false;
  bool close_after_write = false;
  std::size_t counted_bytes = 0;  // this connection's part of the loop's buffered bytes
  std::uint32_t interest = 0;
  bool registered = false;  // added to the epoll set
  std::unique_ptr<tls::TlsSession> tls;  // null on a plain connection
  std::shared_ptr<tls::TlsServerConfig> tls_config;  // the session's, kept for a hand-over
  // Set with a 101 reply: who takes the connection once the reply is written (HttpResponse).
  std::function<void(int, std::string)> takeover;
  // Set with a streamed reply (HttpResponse::stream); counted in Impl::streams_open until closed.
  std::shared_ptr<HttpStream> stream;
  bool stream_polling = false;  // a worker is asking the stream for its next piece
};

}  // namespace berth::api::http_loop
