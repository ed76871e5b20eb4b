#include "runtime/linux/unix_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

namespace unix_socket_test {

using namespace berth::runtime;

namespace {

std::string temp_dir() {
  char pattern[] = "/tmp/berth-unix-socket-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  return pattern;
}

}  // namespace

TEST_CASE("a descriptor sent over a unix socket arrives as a working descriptor", "[runtime][attach]") {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  UniqueFd sender(pair[0]), receiver(pair[1]);
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  REQUIRE(send_fd(sender.get(), write_end.get()).has_value());
  write_end.reset();  // only the received copy is left
  auto received = receive_fd(receiver.get());
  REQUIRE(received.has_value());
  CHECK((::fcntl(received->get(), F_GETFD) & FD_CLOEXEC) != 0);
  REQUIRE(::write(received->get(), "ok", 2) == 2);
  char text[2];
  REQUIRE(::read(read_end.get(), text, 2) == 2);
  CHECK(std::string(text, 2) == "ok");
}

TEST_CASE("receiving a descriptor fails when none was sent or the peer left", "[runtime][attach]") {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  UniqueFd sender(pair[0]), receiver(pair[1]);
  REQUIRE(::write(sender.get(), "/dev/pts/9", 10) == 10);
  CHECK_FALSE(receive_fd(receiver.get()).has_value());
  sender.reset();
  CHECK_FALSE(receive_fd(receiver.get()).has_value());
}

TEST_CASE("a listening unix socket is private and reachable by path, however long", "[runtime][attach]") {
  const std::string dir = temp_dir();
  const std::string short_path = dir + "/a.sock";
  std::string long_dir = dir + "/" + std::string(100, 'd');
  std::filesystem::create_directories(long_dir);
  const std::string long_path = long_dir + "/attach.sock";
  REQUIRE(long_path.size() > 108);
  for (const std::string& path : {short_path, long_path}) {
    INFO(path);
    auto listener = listen_unix(path, 0600);
    REQUIRE(listener.has_value());
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK(S_ISSOCK(info.st_mode));
    CHECK((info.st_mode & 0777) == 0600);
    auto client = connect_unix(path);
    REQUIRE(client.has_value());
    UniqueFd accepted(::accept(listener->get(), nullptr, nullptr));
    REQUIRE(accepted.valid());
    REQUIRE(::write(client->get(), "x", 1) == 1);
    char byte = 0;
    REQUIRE(::read(accepted.get(), &byte, 1) == 1);
    CHECK(byte == 'x');
    // Listening again replaces the old socket file.
    listener->reset();
    CHECK(listen_unix(path, 0600).has_value());
  }
  auto missing = connect_unix(dir + "/none.sock");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().sys_errno == ENOENT);
  CHECK_FALSE(listen_unix(dir + "/no/such/dir/a.sock", 0600).has_value());
  std::filesystem::remove_all(dir);
}

}  // namespace unix_socket_test
