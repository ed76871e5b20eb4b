#include "runtime/shim/log_socket.hpp"

#include <string>

#include "runtime/shim/container_output.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>

namespace log_socket_test {

using namespace berth::runtime;

namespace {

// A TCP listener on 127.0.0.1 whose accept queue one connection fills (backlog 0); fill() puts a
// connection the test never accepts there, and the kernel drops later SYNs, so a connect to it
// stays under way, as to a receiver host that does not answer.
struct FullListener {
  int listener = -1;
  int filler = -1;
  int port = 0;
  explicit FullListener(bool fill = true) {
    listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener, 0) == 0);
    socklen_t length = sizeof addr;
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length) == 0);
    port = ntohs(addr.sin_port);
    if (fill) this->fill();
  }
  void fill() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    filler = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(::connect(filler, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~FullListener() {
    ::close(filler);
    ::close(listener);
  }
};

ContainerLogging tcp_syslog(int port, berth::model::SyslogFormat format) {
  ContainerLogging logging;
  logging.sink = LogSink::syslog;
  logging.syslog.transport = berth::model::SyslogTransport::tcp;
  logging.syslog.host = "127.0.0.1";
  logging.syslog.port = port;
  logging.syslog.format = format;
  logging.tag = "web";
  return logging;
}

}  // namespace

TEST_CASE("a TCP dial is under way without waiting and completes from the caller's poll loop", "[runtime][logs]") {
  FullListener receiver;
  berth::model::SyslogOptions options;
  options.transport = berth::model::SyslogTransport::tcp;
  options.host = "127.0.0.1";
  options.port = receiver.port;
  auto socket = LogSocket::dial(options);
  REQUIRE(socket);
  // The receiver takes no connection yet: dial() came back with the connect under way.
  REQUIRE(socket->connecting());
  CHECK(socket->poll_events() == POLLOUT);
  REQUIRE(socket->advance());
  CHECK(socket->connecting());
  // The receiver takes the queued connection: the kernel's SYN retry gets through, and the loop
  // the caller runs sees the connect done.
  const int first = ::accept(receiver.listener, nullptr, nullptr);
  REQUIRE(first >= 0);
  for (int round = 0; round < 100 && socket->connecting(); ++round) {
    pollfd p{socket->fd(), socket->poll_events(), 0};
    ::poll(&p, 1, 100);
    REQUIRE(socket->advance());
  }
  CHECK_FALSE(socket->connecting());
  CHECK(socket->poll_events() == 0);
  std::size_t offset = 0;
  CHECK(socket->send("<30>hello\n", offset) == LogSocket::Sent::whole);
  ::close(first);
}

TEST_CASE("a syslog sink keeps taking a non-blocking container's lines while a redial is under way", "[runtime][logs]") {
  FullListener receiver(false);
  ContainerLogging logging = tcp_syslog(receiver.port, berth::model::SyslogFormat::rfc5424);
  logging.max_buffer_bytes = 1024;
  auto opened = ContainerOutput::open(logging, {}, "t-web");
  REQUIRE(opened);
  ContainerOutput& output = **opened;
  const int first = ::accept(receiver.listener, nullptr, nullptr);
  REQUIRE(first >= 0);
  // The receiver goes and its host stops answering (its accept queue is full): the redial's
  // connect stays under way while the container writes 200 lines, which the sink takes (what
  // does not fit in 1 KiB is dropped and counted), never holding the container.
  receiver.fill();
  ::close(first);
  for (int i = 1; i <= 200; ++i) {
    output.write(LogStream::stdout_, std::to_string(i) + "\n");
    output.on_ready();
    CHECK(output.taking());
  }
  CHECK(output.dropped() > 0);
  // The host answers again: the connect completes from the loop, the buffer goes, then the notice.
  ::close(::accept(receiver.listener, nullptr, nullptr));
  int second = -1;
  std::string got;
  for (int round = 0; round < 200 && got.find("berth: ") == std::string::npos; ++round) {
    std::vector<pollfd> fds;
    output.add_poll_fds(fds);
    if (second < 0) fds.push_back({receiver.listener, POLLIN, 0});
    else fds.push_back({second, POLLIN, 0});
    ::poll(fds.data(), fds.size(), std::max(output.timeout_ms(), 100));
    output.on_ready();
    if (second < 0 && (fds.back().revents & POLLIN)) second = ::accept(receiver.listener, nullptr, nullptr);
    else if (second >= 0 && (fds.back().revents & POLLIN)) {
      char buffer[4096];
      const ssize_t n = ::recv(second, buffer, sizeof buffer, 0);
      if (n > 0) got.append(buffer, static_cast<std::size_t>(n));
    }
  }
  REQUIRE(second >= 0);
  const auto notice = got.find("berth: ");
  REQUIRE(notice != std::string::npos);
  const std::string count = got.substr(notice + 7, got.find(' ', notice + 7) - notice - 7);
  CHECK(count == std::to_string(output.dropped()));
  // The buffer kept the first lines that fit and dropped the rest: together they are the 200.
  std::size_t kept = 0;
  for (std::size_t at = 0, end; (end = got.find('\n', at)) != std::string::npos; at = end + 1) {
    if (got.substr(at, end - at).find(" - berth: ") == std::string::npos) ++kept;
  }
  CHECK(kept + output.dropped() == 200);
  ::close(second);
}

TEST_CASE("a TCP syslog sink frames messages by newline and dials again, losing no line, when the receiver closes", "[runtime][logs]") {
  FullListener receiver(false);
  const int listener = receiver.listener;
  ContainerLogging logging = tcp_syslog(receiver.port, berth::model::SyslogFormat::rfc3164);
  logging.blocking = true;
  auto opened = ContainerOutput::open(logging, {}, "t-web");
  REQUIRE(opened);
  ContainerOutput& output = **opened;
  const auto read_lines = [](int fd, std::size_t count) {
    std::string text;
    char buffer[4096];
    while (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) < count) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
  };
  int first = ::accept(listener, nullptr, nullptr);
  REQUIRE(first >= 0);
  output.write(LogStream::stdout_, "one\ntwo\n");
  const std::string got = read_lines(first, 2);
  CHECK(got.find("web[") != std::string::npos);
  CHECK(got.ends_with("]: two\n"));
  CHECK(std::count(got.begin(), got.end(), '\n') == 2);
  ::close(first);
  // The receiver closed its end (as one that restarts does): the sink sees that before it sends the
  // next line, which waits for the next connection rather than going into the closed one.
  output.write(LogStream::stdout_, "after close\n");
  int second = -1;
  for (int round = 0; round < 100 && second < 0; ++round) {
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, 100) == 1) second = ::accept(listener, nullptr, nullptr);
    else output.on_ready();
  }
  REQUIRE(second >= 0);
  output.write(LogStream::stdout_, "last\n");
  std::string after;
  for (int round = 0; round < 50 && !after.ends_with("]: last\n"); ++round) {
    output.on_ready();
    pollfd p{second, POLLIN, 0};
    if (::poll(&p, 1, 100) == 1) {
      char buffer[4096];
      const ssize_t n = ::recv(second, buffer, sizeof buffer, 0);
      if (n > 0) after.append(buffer, static_cast<std::size_t>(n));
    }
  }
  CHECK(after.ends_with("]: last\n"));
  CHECK(after.find("]: after close\n") != std::string::npos);
  CHECK(output.dropped() == 0);
  ::close(second);
}

}  // namespace log_socket_test
