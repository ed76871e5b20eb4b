// The cancellation of blocking calls: what is attached is interrupted once, what attaches after
// the cancel at once, and what was detached never.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include "common/cancellation.hpp"

namespace cancellation_test {

using namespace berth;

TEST_CASE("cancellation: interrupts what is attached once, what attaches later at once, and nothing detached",
          "[common]") {
  Cancellation cancel;
  int first = 0, second = 0, detached = 0;
  auto a = cancel.attach([&] { ++first; });
  {
    auto gone = cancel.attach([&] { ++detached; });
  }
  Cancellation::Attachment b;
  b = cancel.attach([&] { ++second; });
  CHECK_FALSE(cancel.cancelled());
  cancel.cancel();
  CHECK(cancel.cancelled());
  cancel.cancel();  // idempotent: nothing interrupted twice
  CHECK(first == 1);
  CHECK(second == 1);
  CHECK(detached == 0);
  int late = 0;
  auto c = cancel.attach([&] { ++late; });
  CHECK(late == 1);
}

TEST_CASE("cancellation: an attached socket is shut down, so a blocked read on it ends", "[common]") {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  Cancellation cancel;
  {
    auto attached = cancel.attach_socket(pair[0]);
    cancel.cancel();
  }
  char byte = 0;
  CHECK(::read(pair[0], &byte, 1) == 0);  // the end of the stream, not a wait for the peer
  ::close(pair[0]);
  ::close(pair[1]);
}

}  // namespace cancellation_test
