// The event loop's streamed replies (api/http_stream.hpp): pieces follow the head as the stream
// gives them, the connection closes when it ends, and streams beyond max_streams are refused.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <thread>

#include "api/http_event_loop.hpp"
#include "fixtures/loopback_socket.hpp"

namespace http_stream_test {

using namespace berth::api;
using berth::testing::connect_to;
using berth::testing::loopback_listener;

namespace {

// Gives "piece N\n" for N = 1..count, one per call with an empty call between (nothing new),
// then ends; count = 0 never ends and never gives anything.
class CountingStream final : public HttpStream {
 public:
  explicit CountingStream(int count) : m_count(count) {}
  std::optional<std::string> next() override {
    if (m_count == 0) return "";
    if (++m_calls % 2 == 0) return "";
    if (m_given == m_count) return std::nullopt;
    return "piece " + std::to_string(++m_given) + "\n";
  }

 private:
  const int m_count;
  int m_calls = 0;
  int m_given = 0;
};

std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

std::string read_until(int fd, std::string_view until) {
  std::string out;
  char buffer[4096];
  while (out.find(until) == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

void send_text(int fd, std::string_view text) {
  REQUIRE(::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
}

HttpLoopOptions quick_streams(std::size_t max_streams) {
  HttpLoopOptions options;
  options.workers = 2;
  options.stream_poll_interval = std::chrono::milliseconds(5);
  options.max_streams = max_streams;
  return options;
}

std::unique_ptr<HttpEventLoop> start_loop(int fd, const HttpLoopOptions& options) {
  auto loop = HttpEventLoop::start({{fd, HttpListener::Kind::tcp}}, options, [](const HttpRequest& request, const HttpPeer&) {
    HttpResponse response{200, "text/event-stream", {}, "head\n"};
    if (request.target == "/forever") response.stream = std::make_shared<CountingStream>(0);
    else if (request.target == "/three") response.stream = std::make_shared<CountingStream>(3);
    return response;
  });
  REQUIRE(loop.has_value());
  return std::move(*loop);
}

}  // namespace

TEST_CASE("http stream: the pieces follow the head in order, and the end closes the connection", "[api][http]") {
  const auto [fd, port] = loopback_listener();
  auto loop = start_loop(fd, quick_streams(4));
  const int client = connect_to(port);
  send_text(client, "GET /three HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string reply = read_all(client);
  ::close(client);
  const auto body_at = reply.find("\r\n\r\n");
  REQUIRE(body_at != std::string::npos);
  const std::string head = reply.substr(0, body_at);
  CHECK(head.starts_with("HTTP/1.1 200 OK"));
  CHECK(head.find("Content-Length") == std::string::npos);  // the body ends with the connection
  CHECK(head.find("Connection: close") != std::string::npos);
  CHECK(reply.substr(body_at + 4) == "head\npiece 1\npiece 2\npiece 3\n");
  // HEAD gets the head alone, with the length of what a GET starts with, and no stream.
  const int headed = connect_to(port);
  send_text(headed, "HEAD /three HTTP/1.1\r\nConnection: close\r\n\r\n");
  const std::string head_only = read_all(headed);
  ::close(headed);
  CHECK(head_only.find("Content-Length: 5\r\n") != std::string::npos);
  CHECK(head_only.ends_with("\r\n\r\n"));
  loop->stop();
}

TEST_CASE("http stream: beyond max_streams a new one is answered 503; a closed one frees its place", "[api][http]") {
  const auto [fd, port] = loopback_listener();
  auto loop = start_loop(fd, quick_streams(1));
  const int first = connect_to(port);
  send_text(first, "GET /forever HTTP/1.1\r\n\r\n");
  CHECK(read_until(first, "head\n").ends_with("head\n"));
  const int second = connect_to(port);
  send_text(second, "GET /forever HTTP/1.1\r\n\r\n");
  const std::string refused = read_all(second);
  ::close(second);
  CHECK(refused.starts_with("HTTP/1.1 503 "));
  CHECK(refused.find("1 event streams open") != std::string::npos);
  // Other requests are still served while the stream is open.
  const int plain = connect_to(port);
  send_text(plain, "GET /plain HTTP/1.1\r\nConnection: close\r\n\r\n");
  CHECK(read_all(plain).ends_with("\r\n\r\nhead\n"));
  ::close(plain);
  // The client leaves: the loop sees it (its read side) and the place is free again.
  ::close(first);
  std::string again;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int third = connect_to(port);
    send_text(third, "GET /forever HTTP/1.1\r\n\r\n");
    again = read_until(third, "head\n");
    ::close(third);
    if (again.starts_with("HTTP/1.1 200")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(again.starts_with("HTTP/1.1 200"));
  loop->stop();  // with a stream open: returns
}

}  // namespace http_stream_test
