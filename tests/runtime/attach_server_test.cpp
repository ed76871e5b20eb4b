#include "runtime/shim/attach_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "runtime/linux/unix_socket.hpp"

namespace attach_server_test {

using namespace berth::runtime;

namespace {

struct Fixture {
  std::string dir;
  std::string path;
  Fixture() {
    char pattern[] = "/tmp/berth-attach-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    dir = pattern;
    path = dir + "/attach.sock";
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

// One poll round of the server, as the shim's loop runs it; returns the input clients sent.
std::string serve_once(AttachServer& server, bool take_input = true) {
  std::vector<pollfd> fds;
  server.add_poll_fds(fds, take_input);
  REQUIRE(::poll(fds.data(), fds.size(), 1000) > 0);
  std::string input;
  server.on_ready(fds, input);
  return input;
}

std::string receive(int fd, std::size_t size) {
  std::string out(size, '\0');
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, out.data() + got, size - got);
    REQUIRE(n > 0);
    got += static_cast<std::size_t>(n);
  }
  return out;
}

}  // namespace

TEST_CASE("attach server: clients get the output, their stdin frames become input", "[runtime][attach]") {
  Fixture f;
  auto server = AttachServer::listen(f.path);
  REQUIRE(server.has_value());
  auto first = connect_unix(f.path);
  auto second = connect_unix(f.path);
  REQUIRE((first && second));
  while (server->client_count() < 2) serve_once(*server);
  server->broadcast(FrameType::stdout_, "hello\n");
  const std::string expected = encode_frames(FrameType::stdout_, "hello\n");
  CHECK(receive(first->get(), expected.size()) == expected);
  CHECK(receive(second->get(), expected.size()) == expected);

  const std::string frames = encode_frames(FrameType::stdin_, "typed ") + encode_frames(FrameType::stdin_, "line\n");
  REQUIRE(::write(first->get(), frames.data(), frames.size()) == static_cast<ssize_t>(frames.size()));
  std::string input;
  while (input.size() < 11) input += serve_once(*server);
  CHECK(input == "typed line\n");

  // Leaving (detaching) drops only that client.
  first->reset();
  serve_once(*server);
  CHECK(server->client_count() == 1);
  server->broadcast(FrameType::exit, "0");
  const std::string exit_frame = encode_frames(FrameType::exit, "0");
  CHECK(receive(second->get(), exit_frame.size()) == exit_frame);
}

TEST_CASE("attach server: a client breaking the protocol is dropped, extra clients refused", "[runtime][attach]") {
  Fixture f;
  auto server = AttachServer::listen(f.path);
  REQUIRE(server.has_value());
  auto client = connect_unix(f.path);
  REQUIRE(client.has_value());
  while (server->client_count() < 1) serve_once(*server);
  // A client may only send stdin.
  const std::string wrong = encode_frames(FrameType::stdout_, "x");
  REQUIRE(::write(client->get(), wrong.data(), wrong.size()) == static_cast<ssize_t>(wrong.size()));
  CHECK(serve_once(*server).empty());
  CHECK(server->client_count() == 0);

  // Accepted as they come (a connect blocks once the listen backlog is full).
  std::vector<UniqueFd> many;
  for (std::size_t i = 0; i < k_max_attach_clients + 2; ++i) {
    auto c = connect_unix(f.path);
    REQUIRE(c.has_value());
    many.push_back(std::move(*c));
    serve_once(*server, false);
  }
  CHECK(server->client_count() == k_max_attach_clients);
  // The refused ones were closed at once.
  char byte;
  CHECK(::read(many.back().get(), &byte, 1) == 0);
}

TEST_CASE("attach server: a client that does not read is dropped, the others keep getting output", "[runtime][attach]") {
  Fixture f;
  auto server = AttachServer::listen(f.path);
  REQUIRE(server.has_value());
  auto reader = connect_unix(f.path);
  auto sleeper = connect_unix(f.path);
  REQUIRE((reader && sleeper));
  while (server->client_count() < 2) serve_once(*server);
  const std::string chunk(16384, 'x');
  const std::string frame = encode_frames(FrameType::stdout_, chunk);
  // The reader keeps up; the sleeper reads nothing, so its socket fills and broadcast, which
  // never waits, drops it instead of holding the output back.
  for (int i = 0; i < 4096 && server->client_count() == 2; ++i) {
    server->broadcast(FrameType::stdout_, chunk);
    CHECK(receive(reader->get(), frame.size()) == frame);
  }
  CHECK(server->client_count() == 1);
  server->broadcast(FrameType::stdout_, "still\n");
  const std::string last = encode_frames(FrameType::stdout_, "still\n");
  CHECK(receive(reader->get(), last.size()) == last);
}

}  // namespace attach_server_test
