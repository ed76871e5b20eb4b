#include "common/socket_splice.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "common/channel_relay.hpp"

namespace berth {
namespace {

// A plain non-blocking socket seen as a channel: nothing to decrypt.
class PlainChannel final : public SecureChannel {
 public:
  explicit PlainChannel(int fd) : m_fd(fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }
  ~PlainChannel() override { ::close(m_fd); }
  PlainChannel(const PlainChannel&) = delete;
  PlainChannel& operator=(const PlainChannel&) = delete;

  int socket() const override { return m_fd; }
  ChannelIo read(char* out, std::size_t size) override {
    const ssize_t n = ::recv(m_fd, out, size, MSG_DONTWAIT);
    return io_of(n, ChannelStatus::want_read);
  }
  ChannelIo write(const char* data, std::size_t size) override {
    const ssize_t n = ::send(m_fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    return io_of(n, ChannelStatus::want_write);
  }
  void close_notify() override { ::shutdown(m_fd, SHUT_WR); }

 private:
  static ChannelIo io_of(ssize_t n, ChannelStatus would_block) {
    if (n > 0) return {ChannelStatus::ok, static_cast<std::size_t>(n)};
    // EINTR: nothing moved, and the socket's readiness is asked again.
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return {would_block};
    return {ChannelStatus::closed};  // its end (0) or an error
  }

  int m_fd;
};

}  // namespace

void splice_sockets(int a, int b) {
  PlainChannel channel(a);
  relay_channel(channel, b);
}

}  // namespace berth
