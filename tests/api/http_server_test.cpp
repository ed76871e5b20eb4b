#include "api/http_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "fixtures/loopback_socket.hpp"

namespace http_server_test {

using namespace berth::api;
using berth::testing::connect_to;

namespace {

// Sends one request and returns the whole reply (the request asks the server to close).
std::string get(int port, const std::string& target) {
  const int fd = connect_to(port);
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string reply;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) reply.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return reply;
}

}  // namespace

TEST_CASE("http server: a route function of its own, on addresses that need not exist yet", "[api][http][metadata]") {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  // TEST-NET-1: on no interface of this host; bound all the same, as the bridge's gateway is
  // before the first bridge task.
  options.listen_also = {"192.0.2.77:0"};
  auto server = HttpServer::start(
      [](const HttpRequest& request, const HttpPeer& peer) {
        HttpResponse response;
        response.content_type = "text/plain";
        response.body = request.target + " from " + peer.address + (peer.loopback ? " (loopback)" : "");
        return response;
      },
      options);
  REQUIRE(server.has_value());
  const std::string reply = get((*server)->tcp_port(), "/v4/x/task");
  CHECK(reply.starts_with("HTTP/1.1 200"));
  CHECK(reply.ends_with("/v4/x/task from 127.0.0.1 (loopback)"));
  (*server)->stop();
}

TEST_CASE("http server: a further address that cannot be bound fails the start", "[api][http][metadata]") {
  const auto [taken_fd, taken_port] = berth::testing::loopback_listener();  // another program's port
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.listen_also = {"127.0.0.1:" + std::to_string(taken_port)};
  auto server = HttpServer::start([](const HttpRequest&, const HttpPeer&) { return HttpResponse{}; }, options);
  REQUIRE_FALSE(server.has_value());
  CHECK(server.error().message.find("cannot listen on 127.0.0.1:" + std::to_string(taken_port)) != std::string::npos);
  ::close(taken_fd);
}

}  // namespace http_server_test
