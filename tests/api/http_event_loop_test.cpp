#include "api/http_event_loop.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <thread>

#include "fixtures/loopback_socket.hpp"

namespace http_event_loop_test {

using namespace berth::api;
using berth::testing::connect_to;
using berth::testing::loopback_listener;

namespace {

void send_text(int fd, const std::string& text) {
  REQUIRE(::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
}

// Reads until the server closes the connection (or `until` has arrived, if given).
std::string read_reply(int fd, std::string_view until = {}) {
  std::string reply;
  char buffer[4096];
  while (until.empty() || reply.find(until) == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      CHECK((n == 0 || errno == ECONNRESET));  // closed, not timed out
      break;
    }
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  return reply;
}

// Sends `request` on a new connection and returns everything until the server closes it.
std::string exchange(int port, const std::string& request) {
  const int fd = connect_to(port);
  send_text(fd, request);
  std::string reply = read_reply(fd);
  ::close(fd);
  return reply;
}

std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

// A listening unix socket (non-blocking) in a new directory made from `dir_template`.
std::pair<int, sockaddr_un> unix_listener(char* dir_template) {
  REQUIRE(::mkdtemp(dir_template));
  const std::string path = std::string(dir_template) + "/api.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  return {fd, addr};
}

// A handler that holds every request until released, and counts those it has started.
struct GatedHandler {
  std::atomic<int> started{0};
  std::atomic<bool> released{false};
  HttpHandler handler() {
    return [this](const HttpRequest& request, const HttpPeer&) {
      ++started;
      while (!released) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      HttpResponse response;
      response.body = request.target + ":" + request.body;
      return response;
    };
  }
  void wait_started(int n) const {
    while (started < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
};

// An event loop on a loopback port over a GatedHandler; stopped when it goes out of scope.
struct GatedLoop {
  GatedHandler gate;
  int port = 0;
  std::unique_ptr<HttpEventLoop> loop;

  explicit GatedLoop(const HttpLoopOptions& options, bool released = false) {
    gate.released = released;
    const auto [fd, bound_port] = loopback_listener();
    port = bound_port;
    auto started = HttpEventLoop::start({{fd, HttpListener::Kind::tcp}}, options, gate.handler());
    REQUIRE(started.has_value());
    loop = std::move(*started);
  }
};

HttpLoopOptions one_worker() {
  HttpLoopOptions options;
  options.workers = 1;
  return options;
}

const std::string k_get_close = "GET /a HTTP/1.1\r\nConnection: close\r\n\r\n";

}  // namespace

TEST_CASE("http event loop: a handler that throws is a 500 ServerException, and serving goes on", "[api][http]") {
  const auto [fd, port] = loopback_listener();
  auto loop = HttpEventLoop::start({{fd, HttpListener::Kind::tcp}}, HttpLoopOptions{}, [](const HttpRequest& request, const HttpPeer&) {
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

TEST_CASE("http event loop: stop() with work in flight and queued answers or closes all and returns", "[api][http]") {
  GatedLoop server(one_worker());
  const int in_flight = connect_to(server.port);
  send_text(in_flight, k_get_close);
  server.gate.wait_started(1);
  const int queued = connect_to(server.port);
  send_text(queued, "GET /b HTTP/1.1\r\n\r\n");
  const int idle = connect_to(server.port);
  std::thread stopper([&] { server.loop->stop(); });
  server.gate.released = true;
  stopper.join();  // returns: nothing waits forever
  CHECK(read_reply(in_flight).starts_with("HTTP/1.1 200 OK"));
  const std::string second = read_reply(queued);
  CHECK((second.empty() || second.starts_with("HTTP/1.1 200 OK")));
  CHECK(read_reply(idle).empty());
  for (const int c : {in_flight, queued, idle}) ::close(c);
}

TEST_CASE("http event loop: a client that leaves while a worker holds its request costs nothing after", "[api][http]") {
  GatedLoop server(one_worker());
  const int leaving = connect_to(server.port);
  send_text(leaving, "POST /gone HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
  server.gate.wait_started(1);
  ::close(leaving);
  server.gate.released = true;
  // The reply for the closed connection is dropped; the worker and the loop serve on.
  CHECK(exchange(server.port, k_get_close).ends_with("/a:"));
  server.loop->stop();
}

TEST_CASE("http event loop: a request with no reply past the handler backstop is closed, stop returns", "[api][http]") {
  HttpLoopOptions options = one_worker();
  options.handler_timeout = std::chrono::milliseconds(50);
  GatedLoop server(options);
  const int stuck = connect_to(server.port);
  send_text(stuck, k_get_close);
  server.gate.wait_started(1);
  // The handler never answers while the client waits: the connection is closed, not held forever.
  CHECK(read_reply(stuck).empty());
  ::close(stuck);
  server.gate.released = true;
  server.loop->stop();
}

TEST_CASE("http event loop: requests pipelined behind a 503 are not served", "[api][http]") {
  HttpLoopOptions options = one_worker();
  options.queue_depth = 1;
  GatedLoop server(options);
  const int running = connect_to(server.port);
  send_text(running, k_get_close);
  server.gate.wait_started(1);
  const int queued = connect_to(server.port);
  send_text(queued, k_get_close);
  // The worker is busy and the queue is full: the first request is refused and the connection
  // closes after the 503; the pipelined ones behind it are never run.
  const int refused = connect_to(server.port);
  send_text(refused, "GET /x HTTP/1.1\r\n\r\nGET /y HTTP/1.1\r\n\r\nGET /z HTTP/1.1\r\n\r\n");
  const std::string reply = read_reply(refused);
  CHECK(reply.starts_with("HTTP/1.1 503 "));
  CHECK(count_of(reply, "HTTP/1.1 ") == 1);
  CHECK(reply.find("Connection: close") != std::string::npos);
  server.gate.released = true;
  CHECK(read_reply(running).ends_with("/a:"));
  CHECK(read_reply(queued).ends_with("/a:"));
  CHECK(server.gate.started == 2);
  for (const int c : {running, queued, refused}) ::close(c);
  server.loop->stop();
}

TEST_CASE("http event loop: 100 Continue goes out before the body is read, the reply after it", "[api][http]") {
  GatedLoop server(HttpLoopOptions{}, true);
  const int client = connect_to(server.port);
  send_text(client, "POST /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n");
  CHECK(read_reply(client, "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
  CHECK(server.gate.started == 0);
  send_text(client, "hello");
  const std::string reply = read_reply(client);
  CHECK(reply.starts_with("HTTP/1.1 200 OK"));
  CHECK(reply.ends_with("/up:hello"));
  ::close(client);
  server.loop->stop();
}

TEST_CASE("http event loop: a request not complete within the request timeout is answered 408", "[api][http]") {
  HttpLoopOptions options;
  options.request_timeout = std::chrono::milliseconds(100);
  GatedLoop server(options, true);
  const int client = connect_to(server.port);
  send_text(client, "POST /slow HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  const std::string reply = read_reply(client);
  CHECK(reply.starts_with("HTTP/1.1 408 "));
  CHECK(server.gate.started == 0);
  ::close(client);
  server.loop->stop();
}

TEST_CASE("http event loop: the handler learns who connected (TCP address, unix peer credentials)", "[api][http]") {
  std::mutex mutex;
  std::vector<HttpPeer> seen;
  const auto record = [&](const HttpRequest&, const HttpPeer& peer) {
    std::lock_guard lock(mutex);
    seen.push_back(peer);
    return HttpResponse{};
  };
  auto [tcp_fd, port] = loopback_listener();
  char dir_template[] = "/tmp/berth-unix-XXXXXX";
  auto [unix_fd, addr] = unix_listener(dir_template);
  const std::string path = addr.sun_path;
  auto loop = HttpEventLoop::start({{tcp_fd, HttpListener::Kind::tcp}, {unix_fd, HttpListener::Kind::unix_socket}},
                                   HttpLoopOptions{}, record);
  REQUIRE(loop);
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const int tcp_client = connect_to(port);
  REQUIRE(::write(tcp_client, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  read_reply(tcp_client);
  ::close(tcp_client);
  const int unix_client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(::connect(unix_client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::write(unix_client, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  read_reply(unix_client);
  ::close(unix_client);
  (*loop)->stop();
  ::unlink(path.c_str());
  ::rmdir(dir_template);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].transport == HttpPeer::Transport::tcp);
  CHECK(seen[0].address == "127.0.0.1");
  CHECK(seen[0].loopback);
  CHECK_FALSE(seen[0].credentials);
  CHECK(seen[1].transport == HttpPeer::Transport::unix_socket);
  REQUIRE(seen[1].credentials);
  CHECK(seen[1].credentials->uid == ::getuid());
  CHECK(seen[1].credentials->gid == ::getgid());
  CHECK(seen[1].credentials->pid == ::getpid());
}

TEST_CASE("http event loop: a 101 reply hands a unix-socket connection over once written", "[api][http]") {
  std::atomic<bool> handed{false};
  std::string early;
  const auto upgrade = [&](const HttpRequest&, const HttpPeer&) {
    HttpResponse response{101, "", {{"Upgrade", "test"}}, ""};
    response.takeover = [&](int socket, std::string early_input) {
      early = std::move(early_input);
      handed = true;  // before the client can see the end of the session
      send_text(socket, "session");
      ::close(socket);
    };
    return response;
  };
  char dir_template[] = "/tmp/berth-unix-XXXXXX";
  auto [unix_fd, addr] = unix_listener(dir_template);
  const std::string path = addr.sun_path;
  auto [tcp_fd, port] = loopback_listener();
  auto loop = HttpEventLoop::start({{tcp_fd, HttpListener::Kind::tcp}, {unix_fd, HttpListener::Kind::unix_socket}},
                                   HttpLoopOptions{}, upgrade);
  REQUIRE(loop);
  const int client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  send_text(client, "POST /v1/exec HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  const std::string reply = read_reply(client);
  ::close(client);
  CHECK(reply == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\n\r\nsession");
  CHECK(handed);
  CHECK(early.empty());
  // Over TCP the takeover is dropped: the 101 goes out and the connection is the server's to close.
  handed = false;
  const std::string tcp_reply = exchange(port, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  CHECK(tcp_reply.starts_with("HTTP/1.1 101"));
  CHECK_FALSE(handed);
  (*loop)->stop();
  ::unlink(path.c_str());
  ::rmdir(dir_template);
}

TEST_CASE("http event loop: a takeover that throws owns its socket: the loop closes nothing", "[api][http]") {
  // The takeover gives up its socket (here: another file takes its number, as another thread's
  // open could) and then throws; the loop must not close that number again.
  std::atomic<int> taken_number{-1};
  const auto upgrade = [&](const HttpRequest& request, const HttpPeer&) {
    if (request.target == "/ping") return HttpResponse{200, "text/plain", {}, "pong"};
    HttpResponse response{101, "", {{"Upgrade", "test"}}, ""};
    response.takeover = [&](int socket, std::string) {
      const int other = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (::dup3(other, socket, O_CLOEXEC) == socket) taken_number = socket;  // the socket closed, its number reused
      ::close(other);
      throw std::runtime_error("no thread for the session");
    };
    return response;
  };
  char dir_template[] = "/tmp/berth-unix-XXXXXX";
  auto [unix_fd, addr] = unix_listener(dir_template);
  const std::string path = addr.sun_path;
  auto loop = HttpEventLoop::start({{unix_fd, HttpListener::Kind::unix_socket}}, HttpLoopOptions{}, upgrade);
  REQUIRE(loop);
  const auto request = [&](const std::string& text) {
    const int client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    send_text(client, text);
    std::string reply = read_reply(client);
    ::close(client);
    return reply;
  };
  CHECK(request("POST /v1/exec HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").starts_with("HTTP/1.1 101"));
  // The loop has finished the hand-over once it answers a later request.
  CHECK(request("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ends_with("pong"));
  REQUIRE(taken_number >= 0);
  // Still the file the takeover put there (not closed, nor closed and taken by another connection).
  struct stat there {}, null_device {};
  REQUIRE(::stat("/dev/null", &null_device) == 0);
  CHECK(::fstat(taken_number, &there) == 0);
  CHECK(there.st_rdev == null_device.st_rdev);
  CHECK(S_ISCHR(there.st_mode));
  ::close(taken_number);
  (*loop)->stop();
  ::unlink(path.c_str());
  ::rmdir(dir_template);
}

TEST_CASE("http event loop: a deferred reply frees its worker; the writer answers later, or not after stop", "[api][http]") {
  const auto [fd, port] = loopback_listener();
  std::mutex writers_mutex;
  std::vector<ReplyWriter> writers;
  auto loop = HttpEventLoop::start({{fd, HttpListener::Kind::tcp}}, one_worker(), [&](const HttpRequest& request, const HttpPeer&) {
    HttpResponse response;
    if (request.target == "/later") {
      response.defer = [&](ReplyWriter write) {
        std::lock_guard lock(writers_mutex);
        writers.push_back(std::move(write));
      };
      return response;
    }
    response.body = "now";
    return response;
  });
  REQUIRE(loop.has_value());
  const int parked = connect_to(port);
  send_text(parked, "GET /later HTTP/1.1\r\nConnection: close\r\n\r\n");
  const int parked_too = connect_to(port);
  send_text(parked_too, "GET /later HTTP/1.1\r\nConnection: close\r\n\r\n");
  // The one worker is free: another request is answered while two wait.
  CHECK(exchange(port, k_get_close).ends_with("now"));
  std::size_t held = 0;
  while (held < 2) {
    std::lock_guard lock(writers_mutex);
    held = writers.size();
  }
  std::thread([write = writers[0]] {
    HttpResponse later;
    later.body = "later";
    write(later);
  }).join();
  const std::string reply = read_reply(parked);
  CHECK(reply.starts_with("HTTP/1.1 200 OK"));
  CHECK(reply.ends_with("later"));
  // stop() waits for a deferred reply as for any request in flight: given meanwhile, it is sent.
  std::thread stopper([&] { (*loop)->stop(); });
  HttpResponse during_stop;
  during_stop.body = "during stop";
  writers[1](during_stop);
  stopper.join();
  CHECK(read_reply(parked_too).ends_with("during stop"));
  // A writer called once the loop is gone is ignored (its queue is closed), not a crash.
  writers[1](during_stop);
  for (const int c : {parked, parked_too}) ::close(c);
}

}  // namespace http_event_loop_test
