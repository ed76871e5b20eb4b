// The relay between a local socket and an encrypted channel, with a fake channel over a
// socketpair: large transfers both ways through the bounded buffers, bytes the channel holds
// that its socket no longer shows, and the ends in either direction.
#include "common/channel_relay.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

namespace channel_relay_test {

using namespace berth;

namespace {

// A "session" that moves bytes as they are (no cipher) but, like mbedTLS, drains its socket into
// a record buffer of its own and hands them out `chunk` at a time: what it holds is invisible to
// poll().
class FakeChannel : public SecureChannel {
 public:
  FakeChannel(int fd, std::size_t chunk) : m_fd(fd), m_chunk(chunk) { ::fcntl(fd, F_SETFL, O_NONBLOCK); }
  ~FakeChannel() override { ::close(m_fd); }
  int socket() const override { return m_fd; }
  ChannelIo read(char* out, std::size_t size) override {
    if (m_held.empty()) {
      char buffer[8192];
      const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
      if (n == 0) return {ChannelStatus::closed};
      if (n < 0) return {errno == EAGAIN ? ChannelStatus::want_read : ChannelStatus::closed};
      m_held.assign(buffer, static_cast<std::size_t>(n));
    }
    const std::size_t n = std::min({size, m_chunk, m_held.size()});
    m_held.copy(out, n);
    m_held.erase(0, n);
    return {ChannelStatus::ok, n};
  }
  ChannelIo write(const char* data, std::size_t size) override {
    const ssize_t n = ::send(m_fd, data, size, MSG_NOSIGNAL);
    if (n > 0) return {ChannelStatus::ok, static_cast<std::size_t>(n)};
    return {n < 0 && errno == EAGAIN ? ChannelStatus::want_write : ChannelStatus::closed};
  }
  void close_notify() override { ++close_notifies; }
  int close_notifies = 0;

 private:
  int m_fd;
  std::size_t m_chunk;
  std::string m_held;
};

std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7) % 26);
  return out;
}

// Writes all of `data` to `fd` (blocking).
void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    REQUIRE(n > 0);
    sent += static_cast<std::size_t>(n);
  }
}

// Reads `fd` until its end.
std::string read_to_end(int fd) {
  std::string out;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

struct Pairs {
  int remote[2];  // [0]: the far peer (the test), [1]: the channel's socket
  int local[2];   // [0]: the local user (the test), [1]: the relay's end
  Pairs() {
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, remote) == 0);
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, local) == 0);
  }
};

}  // namespace

TEST_CASE("channel relay: more than its buffers both ways, and the peer's end delivered before closing", "[common]") {
  Pairs p;
  FakeChannel channel(p.remote[1], 100);  // 100-byte "records": most input waits inside the channel
  std::thread relay([&] { relay_channel(channel, p.local[1]); });
  const std::string down = pattern(5 * k_channel_relay_buffer + 17);
  const std::string up = pattern(3 * k_channel_relay_buffer + 5);
  // Both directions at once: neither may wait for the other to be read.
  std::thread far_peer([&] { send_all(p.remote[0], down); });
  std::thread local_user([&] { send_all(p.local[0], up); });
  std::string received_up;
  std::thread up_reader([&] {
    char buffer[4096];
    while (received_up.size() < up.size()) {
      const ssize_t n = ::read(p.remote[0], buffer, sizeof buffer);
      if (n <= 0) break;
      received_up.append(buffer, static_cast<std::size_t>(n));
    }
  });
  std::string received_down;
  char buffer[4096];
  while (received_down.size() < down.size()) {
    const ssize_t n = ::read(p.local[0], buffer, sizeof buffer);
    REQUIRE(n > 0);
    received_down.append(buffer, static_cast<std::size_t>(n));
  }
  far_peer.join();
  local_user.join();
  up_reader.join();
  CHECK(received_down == down);
  CHECK(received_up == up);
  // The far peer says its last and closes: the local user gets it, then the end.
  send_all(p.remote[0], "exit 3");
  ::shutdown(p.remote[0], SHUT_WR);
  CHECK(read_to_end(p.local[0]) == "exit 3");
  relay.join();
  CHECK(channel.close_notifies == 1);
  ::close(p.remote[0]);
  ::close(p.local[0]);
}

TEST_CASE("channel relay: the local side's end sends what it wrote, then ends the channel", "[common]") {
  Pairs p;
  FakeChannel channel(p.remote[1], 1 << 20);
  std::thread relay([&] { relay_channel(channel, p.local[1]); });
  send_all(p.local[0], "last words");
  ::close(p.local[0]);
  relay.join();
  CHECK(channel.close_notifies == 1);
  // The channel's socket is its owner's: closed here by FakeChannel's destructor, later.
  char buffer[64];
  const ssize_t n = ::read(p.remote[0], buffer, sizeof buffer);
  REQUIRE(n > 0);
  CHECK(std::string(buffer, static_cast<std::size_t>(n)) == "last words");
  ::close(p.remote[0]);
}

}  // namespace channel_relay_test
