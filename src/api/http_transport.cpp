#include "api/http_transport.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "api/tls/tls_server.hpp"
#include "common/log.hpp"

namespace berth::api {

ssize_t transport_receive(int fd, tls::TlsSession* session, char* out, std::size_t size) {
  if (!session) {
    const ssize_t n = ::recv(fd, out, size, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return -1;
    return n < 0 ? 0 : n;
  }
  std::size_t got = 0;
  while (got < size) {
    const auto result = session->read(out + got, size - got);
    if (result.status == tls::TlsStatus::ok) {
      got += result.bytes;
      // Like a plain recv(), one read of what is there: epoll reports the socket's rest.
      if (!session->has_pending_input()) break;
      continue;
    }
    if (result.status == tls::TlsStatus::want_read || result.status == tls::TlsStatus::want_write) break;
    if (result.status == tls::TlsStatus::failed) log_debug("API: " + result.error);
    // What came before the end is still served; the end shows again at the next read.
    return got > 0 ? static_cast<ssize_t>(got) : 0;
  }
  return got > 0 ? static_cast<ssize_t>(got) : -1;
}

ssize_t transport_send(int fd, tls::TlsSession* session, const char* data, std::size_t size) {
  if (!session) return ::send(fd, data, size, MSG_NOSIGNAL);
  const auto result = session->write(data, size);
  switch (result.status) {
    case tls::TlsStatus::ok:
      return static_cast<ssize_t>(result.bytes);
    case tls::TlsStatus::want_read:
    case tls::TlsStatus::want_write:
      errno = EAGAIN;
      return -1;
    case tls::TlsStatus::failed:
      log_debug("API: " + result.error);
      break;
    case tls::TlsStatus::closed:
      break;
  }
  errno = EPIPE;
  return -1;
}

}  // namespace berth::api
