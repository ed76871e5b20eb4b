#include "api/http_server.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <catch2/catch.hpp>

#include "api/reserved_ports.hpp"
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

HttpResponse plain_ok(const HttpRequest&, const HttpPeer&) {
  HttpResponse response;
  response.content_type = "text/plain";
  response.body = "ok";
  return response;
}

// The error of a bind of 127.0.0.1:`port` by a socket without SO_REUSEADDR (as another program's
// or a connection's): 0 if it could bind.
int bind_error(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int error = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 ? 0 : errno;
  ::close(fd);
  return error;
}

}  // namespace

TEST_CASE("http server: starts on a port reserved at start-up, which is its alone once released", "[api][http]") {
  const auto [probe_fd, port] = berth::testing::loopback_listener();  // a free port
  ::close(probe_fd);
  ReservedPorts reserved;
  ServerOptions options;
  options.listen = "127.0.0.1:" + std::to_string(port);
  reserved.reserve(options);
  CHECK(reserved.held() == 1);
  // Held from now on, not yet served: nothing else binds the port, a client is refused.
  CHECK(bind_error(port) == EADDRINUSE);
  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(::connect(client, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0);
  CHECK(errno == ECONNREFUSED);
  ::close(client);

  auto server = HttpServer::start(plain_ok, options);
  REQUIRE(server.has_value());
  CHECK((*server)->tcp_port() == port);
  CHECK(get(port, "/").ends_with("\r\n\r\nok"));
  reserved.release();
  CHECK(reserved.held() == 0);
  CHECK(bind_error(port) == EADDRINUSE);  // the server's now
  CHECK(get(port, "/").ends_with("\r\n\r\nok"));
  (*server)->stop();
}

TEST_CASE("reserved ports: a port picked at bind and a port already taken are left to the server", "[api][http]") {
  const auto [taken_fd, taken_port] = berth::testing::loopback_listener();  // another program's port
  ReservedPorts reserved;
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.listen_also = {"127.0.0.1:" + std::to_string(taken_port)};
  reserved.reserve(options);
  CHECK(reserved.held() == 0);
  ::close(taken_fd);
  CHECK(bind_error(taken_port) == 0);  // the reservation holds nothing of it
}

TEST_CASE("reserved ports: a socket no server took is closed with the reservation", "[api][http]") {
  const auto [probe_fd, port] = berth::testing::loopback_listener();  // a free port
  ::close(probe_fd);
  {
    ReservedPorts reserved;
    ServerOptions options;
    options.listen = "127.0.0.1:" + std::to_string(port);
    reserved.reserve(options);
    CHECK(bind_error(port) == EADDRINUSE);
  }
  CHECK(bind_error(port) == 0);
}

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
