#include "api/http_event_loop.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>

#include "api/bounded_worker_pool.hpp"

using namespace berth::api;

namespace {

// A listening socket on 127.0.0.1 with a free port.
std::pair<int, int> loopback_listener() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::listen(fd, 16) == 0);
  socklen_t length = sizeof(addr);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0);
  return {fd, ntohs(addr.sin_port)};
}

// Sends `request` on a new connection and returns everything until the server closes it.
std::string exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string reply;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;) reply.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return reply;
}

}  // namespace

TEST_CASE("http event loop: a handler that throws is a 500 ServerException, and serving goes on", "[api][http]") {
  const auto [fd, port] = loopback_listener();
  auto loop = HttpEventLoop::start({{fd, HttpListener::Kind::tcp}}, HttpLoopOptions{}, [](const HttpRequest& request) {
    if (request.target == "/throw") throw std::runtime_error("boom");
    HttpResponse response;
    response.body = "{\"ok\":true}";
    return response;
  });
  REQUIRE(loop.has_value());
  for (int round = 0; round < 2; ++round) {
    const std::string thrown = exchange(port, "POST /throw HTTP/1.1\r\nConnection: close\r\n\r\n");
    CHECK(thrown.starts_with("HTTP/1.1 500 "));
    CHECK(thrown.find("\"__type\":\"ServerException\"") != std::string::npos);
    CHECK(thrown.find("x-amzn-ErrorType: ServerException") != std::string::npos);
    const std::string fine = exchange(port, "POST / HTTP/1.1\r\nConnection: close\r\n\r\n");
    CHECK(fine.starts_with("HTTP/1.1 200 OK"));
    CHECK(fine.ends_with("{\"ok\":true}"));
  }
  (*loop)->stop();
}

TEST_CASE("bounded worker pool: a full queue refuses, a throwing job does not stop the pool", "[api][http]") {
  BoundedWorkerPool pool(1, 1);
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  const auto blocking = [&] {
    while (!release) std::this_thread::yield();
    ++ran;
  };
  REQUIRE(pool.try_submit(blocking));
  // The one worker may not have taken the first job yet: the queue holds one job at most.
  while (!pool.try_submit([&] { throw std::runtime_error("bug"); })) std::this_thread::yield();
  CHECK_FALSE(pool.try_submit([&] { ++ran; }));
  CHECK_FALSE(pool.try_submit([&] { ++ran; }));
  release = true;
  while (!pool.try_submit([&] { ++ran; })) std::this_thread::yield();
  pool.stop();
  CHECK(ran == 2);
  CHECK_FALSE(pool.try_submit([&] { ++ran; }));
}
