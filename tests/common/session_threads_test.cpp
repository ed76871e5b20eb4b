// Session threads: the bound on sessions at once, a place freed when a session ends, and stop()
// cutting the sockets sessions block on.
#include "common/session_threads.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>

namespace session_threads_test {

using namespace berth;

TEST_CASE("session threads: at most max at once; stop() shuts the watched sockets and joins", "[common][relay]") {
  SessionThreads threads(2);
  int a[2], b[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0);
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, b) == 0);
  std::promise<void> a_watching, b_watching;
  std::atomic<int> ended{0};
  // Each blocks reading its socket until stop() shuts it down.
  const auto blocking = [&](int fd, std::promise<void>& watching) {
    return [&, fd](SessionThreads::Session& session) {
      REQUIRE(session.watch(fd));
      watching.set_value();
      char byte;
      CHECK(::read(fd, &byte, 1) == 0);  // shut down: end of input
      ++ended;
    };
  };
  REQUIRE(threads.start(blocking(a[0], a_watching)));
  REQUIRE(threads.start(blocking(b[0], b_watching)));
  a_watching.get_future().wait();
  b_watching.get_future().wait();
  CHECK(threads.running() == 2);
  bool ran_third = false;
  CHECK_FALSE(threads.start([&](SessionThreads::Session&) { ran_third = true; }));  // the bound
  threads.stop();
  CHECK(ended == 2);
  CHECK_FALSE(ran_third);
  CHECK(threads.running() == 0);
  CHECK_FALSE(threads.start([](SessionThreads::Session&) {}));  // stopped
  for (const int fd : {a[0], a[1], b[0], b[1]}) ::close(fd);
}

TEST_CASE("session threads: a session that ended frees its place", "[common][relay]") {
  SessionThreads threads(1);
  std::promise<void> done;
  REQUIRE(threads.start([&](SessionThreads::Session&) { done.set_value(); }));
  done.get_future().wait();
  // Its thread may still be finishing: a new session is taken once it has.
  while (threads.running() != 0) std::this_thread::yield();
  CHECK(threads.start([](SessionThreads::Session&) {}));
}

}  // namespace session_threads_test
