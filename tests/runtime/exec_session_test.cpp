// The daemon's side of `berth exec` sessions, with /bin/sh standing in for `runc exec` (no
// container needed: the relay, the pty and the exit status are what is tested).
#include "runtime/runc/exec_session.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "common/files.hpp"
#include "runtime/shim/attach_protocol.hpp"

using namespace berth;
using namespace berth::runtime;

namespace {

struct Session {
  std::string out, err;
  int exit_code = -1;   // from the exit frame
  int returned = -1;    // serve_exec_session's
};

// Serves `argv` on one end of a socket pair and plays the client on the other: sends `client_bytes`,
// then reads frames until the exit frame.
Session run_session(const std::vector<std::string>& argv, ExecSessionIo io, const std::string& client_bytes) {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  std::atomic<bool> stop{false};
  Session session;
  std::thread server([&] {
    session.returned = serve_exec_session(argv, io, pair[0], "", stop);
    ::close(pair[0]);  // as the daemon's session thread does: the client then reads its end
  });
  REQUIRE(write_all(pair[1], client_bytes) == 0);
  FrameReader reader;
  char buffer[4096];
  while (session.exit_code < 0) {
    const ssize_t n = ::read(pair[1], buffer, sizeof buffer);
    if (n <= 0) break;
    reader.feed({buffer, static_cast<std::size_t>(n)});
    while (auto frame = reader.next().value()) {
      if (frame->type == FrameType::stdout_) session.out += frame->payload;
      if (frame->type == FrameType::stderr_) session.err += frame->payload;
      if (frame->type == FrameType::exit) session.exit_code = std::stoi(frame->payload);
    }
  }
  server.join();
  ::close(pair[1]);
  return session;
}

}  // namespace

TEST_CASE("exec session: output streams apart, the exit status last", "[runtime][exec]") {
  const auto s = run_session({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, {}, "");
  CHECK(s.out == "out\n");
  CHECK(s.err == "err\n");
  CHECK(s.exit_code == 3);
  CHECK(s.returned == 3);
}

TEST_CASE("exec session: input reaches an interactive command and an empty frame ends it", "[runtime][exec]") {
  const std::string input = encode_frames(FrameType::stdin_, "hello\n") + encode_frames(FrameType::stdin_, "");
  const auto s = run_session({"/bin/cat"}, {.tty = false, .interactive = true}, input);
  CHECK(s.out == "hello\n");
  CHECK(s.exit_code == 0);
  // Without -i the command reads nothing, and the client's input is dropped.
  const auto quiet = run_session({"/bin/sh", "-c", "cat; echo done"}, {}, input);
  CHECK(quiet.out == "done\n");
}

TEST_CASE("exec session: with a terminal the command's stdio is a tty of the size sent", "[runtime][exec]") {
  const std::string input = encode_frames(FrameType::resize, "40 132");
  const auto s = run_session({"/bin/sh", "-c", "sleep 0.3; test -t 0 && test -t 1 && stty size"},
                             {.tty = true, .interactive = true}, input);
  CHECK(s.out.find("40 132") != std::string::npos);
  CHECK(s.exit_code == 0);
}

TEST_CASE("exec session: a bad frame ends the session; a missing program is 127", "[runtime][exec]") {
  const auto bad = run_session({"/bin/sh", "-c", "sleep 5"}, {}, encode_frames(FrameType::resize, "tall wide"));
  CHECK(bad.exit_code == -1);  // the client got no exit frame: the server stopped serving it
  CHECK(bad.returned == 128 + 1);  // runc got SIGHUP
  const auto missing = run_session({"/nonexistent/runc"}, {}, "");
  CHECK(missing.exit_code == 127);
}

TEST_CASE("terminal size: ROWS COLS, each 1..65535", "[runtime][exec]") {
  const auto size = parse_terminal_size("24 80");
  REQUIRE(size.has_value());
  CHECK(size->rows == 24);
  CHECK(size->cols == 80);
  for (const char* bad : {"", "24", "24 ", "0 80", "24 0", "24 80 1", "-1 80", "70000 80", "a b"}) {
    INFO(bad);
    CHECK_FALSE(parse_terminal_size(bad).has_value());
  }
}
