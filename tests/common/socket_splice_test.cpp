// Splicing two plain sockets: a transfer larger than the bounded buffers in each direction at once,
// and the end of either side ending the splice after what it sent is delivered.
#include "common/socket_splice.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "common/files.hpp"

namespace socket_splice_test {

using namespace berth;

namespace {

struct Pair {
  int fds[2] = {-1, -1};
  Pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0); }
};

// Reads `fd` until its peer ends it.
std::string read_to_end(int fd) {
  std::string out;
  char buffer[8192];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<std::size_t>(n));
  return out;
}

}  // namespace

TEST_CASE("socket splice: 1 MiB each way at once arrives whole; the user's end ends it", "[common][relay]") {
  Pair user, agent;  // [0] spliced, [1] the test's ends
  std::thread splice([&] { splice_sockets(agent.fds[0], user.fds[0]); });
  const std::string up(1 << 20, 'u'), down(1 << 20, 'd');
  std::string got_up, got_down;
  std::thread user_writer([&] { CHECK(write_all(user.fds[1], up) == 0); });
  std::thread agent_writer([&] { CHECK(write_all(agent.fds[1], down) == 0); });
  std::thread agent_reader([&] { got_up = read_to_end(agent.fds[1]); });  // ends when the splice does
  char buffer[8192];
  while (got_down.size() < down.size()) {
    const ssize_t n = ::read(user.fds[1], buffer, sizeof buffer);
    REQUIRE(n > 0);
    got_down.append(buffer, static_cast<std::size_t>(n));
  }
  user_writer.join();
  agent_writer.join();
  ::shutdown(user.fds[1], SHUT_WR);  // the user leaves: the splice ends once its bytes are out
  agent_reader.join();
  splice.join();
  CHECK(got_up == up);
  CHECK(got_down == down);
  CHECK(read_to_end(user.fds[1]).empty());  // closed by the splice
  ::close(user.fds[1]);
  ::close(agent.fds[1]);
}

TEST_CASE("socket splice: the agent's end delivers what it sent and ends the user's side", "[common][relay]") {
  Pair user, agent;
  std::thread splice([&] { splice_sockets(agent.fds[0], user.fds[0]); });
  REQUIRE(write_all(agent.fds[1], "exit frame") == 0);
  ::close(agent.fds[1]);
  CHECK(read_to_end(user.fds[1]) == "exit frame");
  splice.join();
  ::close(user.fds[1]);
}

}  // namespace socket_splice_test
