// The daemon's side of `berth exec` sessions, with /bin/sh standing in for `runc exec` (no
// container needed: the relay, the pty and the exit status are what is tested).
#include "runtime/runc/exec_session.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "fixtures/process_ended.hpp"
#include "runtime/shim/attach_protocol.hpp"

namespace exec_session_test {

using namespace berth;
using namespace berth::runtime;

namespace {

struct Session {
  std::string out, err;
  int exit_code = -1;   // from the exit frame
  int returned = -1;    // serve_exec_session's
  std::chrono::steady_clock::duration took{};  // from the client's leaving to the end of the serving
};

struct Client {
  std::string early_input = "";    // bytes that arrived with the request, before the session
  std::string bytes = "";          // sent once the session runs
  // Once the command's output holds this, the client leaves (shutdown), as one that goes away.
  std::string hang_up_after = "";
};

// Serves `argv` (standing in for `runc exec`) on one end of a socket pair and plays the client on
// the other: sends its bytes, then reads frames until the exit frame or the end of the socket.
Session run_session(const std::vector<std::string>& argv, ExecSessionIo io, const Client& client = {}) {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  std::atomic<bool> stop{false};
  Session session;
  std::atomic<bool> gone{false};
  std::chrono::steady_clock::time_point gone_at;
  std::thread server([&] {
    session.returned = serve_exec_session(argv, io, pair[0], client.early_input, stop);
    if (gone) session.took = std::chrono::steady_clock::now() - gone_at;
    ::close(pair[0]);  // as the daemon's session thread does: the client then reads its end
  });
  REQUIRE(write_all(pair[1], client.bytes) == 0);
  FrameReader reader;
  char buffer[4096];
  while (session.exit_code < 0) {
    if (!client.hang_up_after.empty() && !gone && session.out.find(client.hang_up_after) != std::string::npos) {
      gone_at = std::chrono::steady_clock::now();
      gone = true;
      ::shutdown(pair[1], SHUT_WR);
    }
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
  const auto s = run_session({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, {});
  CHECK(s.out == "out\n");
  CHECK(s.err == "err\n");
  CHECK(s.exit_code == 3);
  CHECK(s.returned == 3);
}

TEST_CASE("exec session: input reaches an interactive command and an empty frame ends it", "[runtime][exec]") {
  const std::string input = encode_frames(FrameType::stdin_, "hello\n") + encode_frames(FrameType::stdin_, "");
  const auto s = run_session({"/bin/cat"}, {.tty = false, .interactive = true}, {.bytes = input});
  CHECK(s.out == "hello\n");
  CHECK(s.exit_code == 0);
  // Without -i the command reads nothing, and the client's input is dropped.
  const auto quiet = run_session({"/bin/sh", "-c", "cat; echo done"}, {}, {.bytes = input});
  CHECK(quiet.out == "done\n");
}

TEST_CASE("exec session: with a terminal the command's stdio is a tty of the size sent", "[runtime][exec]") {
  const std::string input = encode_frames(FrameType::resize, "40 132");
  const auto s = run_session({"/bin/sh", "-c", "sleep 0.3; test -t 0 && test -t 1 && stty size"},
                             {.tty = true, .interactive = true}, {.bytes = input});
  CHECK(s.out.find("40 132") != std::string::npos);
  CHECK(s.exit_code == 0);
}

TEST_CASE("exec session: a bad frame ends the session; a missing program is 127", "[runtime][exec]") {
  const std::string bad_frame = encode_frames(FrameType::resize, "tall wide");
  const auto bad = run_session({"/bin/sh", "-c", "sleep 5"}, {}, {.bytes = bad_frame});
  CHECK(bad.exit_code == -1);  // the client got no exit frame: the server stopped serving it
  CHECK(bad.returned == 128 + 1);  // runc got SIGHUP
  const auto missing = run_session({"/nonexistent/runc"}, {});
  CHECK(missing.exit_code == 127);
}

TEST_CASE("exec session: a bad frame before the session began ends runc as a late one does", "[runtime][exec]") {
  // runc is stopped and reaped (its status is SIGHUP's), not left a zombie or blocked on its input.
  for (const bool interactive : {false, true}) {
    const auto bad = run_session({"/bin/sh", "-c", "cat; sleep 5"}, {.tty = false, .interactive = interactive},
                                 {.early_input = encode_frames(FrameType::exit, "0")});
    CHECK(bad.exit_code == -1);
    CHECK(bad.returned == 128 + 1);
  }
}

TEST_CASE("exec session: a command that ignores SIGHUP is killed with runc", "[runtime][exec]") {
  // The stand-in for runc behaves as runc does: it survives SIGHUP (passing it on), the command is
  // its child, its death would leave the command running, and it exits with the command's status.
  const auto s = run_session({"/bin/sh", "-c", "trap '' HUP; sleep 987 & echo \"started $!\"; wait $!"}, {},
                             {.hang_up_after = "\n"});
  CHECK(s.returned == 128 + 9);
  REQUIRE(s.out.starts_with("started "));
  const auto command = parse_integer<pid_t>(trim(s.out.substr(8)));
  REQUIRE(command.has_value());
  CHECK(berth::testing::process_ended(*command));
}

TEST_CASE("exec session: once runc has ended, leaving signals nothing and waits for no leftover output", "[runtime][exec]") {
  // runc exits; what it left behind holds the output open and says "ready" once runc is reaped
  // (`kill -0` finds a zombie too). The client then leaves: the session ends at once (it used to
  // signal runc's reaped, perhaps reused, pid and wait the 2 s grace).
  const auto s = run_session(
      {"/bin/sh", "-c", "(while kill -0 $$ 2>/dev/null; do sleep 0.05; done; echo ready; sleep 3) & exit 4"}, {},
      {.hang_up_after = "ready"});
  CHECK(s.returned == 4);
  CHECK(s.took < std::chrono::milliseconds(1500));
}

TEST_CASE("exec session: the command starts with SIGPIPE at its default action", "[runtime][exec]") {
  // berth serve ignores SIGPIPE; its exec'd commands must not inherit that (with or without a pty).
  struct sigaction ignore {}, previous{};
  ignore.sa_handler = SIG_IGN;
  REQUIRE(::sigaction(SIGPIPE, &ignore, &previous) == 0);
  for (const bool tty : {false, true}) {
    INFO("tty " << tty);
    const auto s = run_session({"/bin/sh", "-c", "grep SigIgn /proc/self/status"}, {.tty = tty, .interactive = false});
    const auto at = s.out.find("SigIgn:");
    REQUIRE(at != std::string::npos);
    const auto mask = parse_integer<unsigned long long>(trim(s.out.substr(at + 7, s.out.find('\n', at) - at - 7)), 16);
    REQUIRE(mask.has_value());
    CHECK((*mask & (1ULL << (SIGPIPE - 1))) == 0);
  }
  ::sigaction(SIGPIPE, &previous, nullptr);
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

}  // namespace exec_session_test
