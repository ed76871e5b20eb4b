// The byte stream under one API connection: the socket itself, or a TLS session over it. The
// event loop reads and writes through these two functions so the HTTP side does not care which.
// Thread-compatible (one connection, one thread).
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace berth::api {

namespace tls {
class TlsSession;
}

// Reads what is there into `out` (at most `size`): the byte count, 0 when the peer closed (or the
// stream failed), -1 when nothing is there yet. With `session`, reads whole TLS records until the
// socket has no more or `out` is full (then TlsSession::has_pending_input() may be true).
ssize_t transport_receive(int fd, tls::TlsSession* session, char* out, std::size_t size);

// Writes from `data`: the byte count, or -1 with errno EAGAIN (try again when writable, with
// the same data) or another errno (the connection is broken).
ssize_t transport_send(int fd, tls::TlsSession* session, const char* data, std::size_t size);

}  // namespace berth::api
