#include "runtime/shim/log_buffer.hpp"

#include <catch2/catch.hpp>

namespace log_buffer_test {

using namespace berth::runtime;

TEST_CASE("non-blocking log buffer holds max-buffer-size and counts what it drops", "[runtime][logs]") {
  LogBuffer buffer(LogDelivery::non_blocking, 10);
  CHECK(buffer.push("aaaa"));
  CHECK(buffer.push("bbbb"));
  CHECK_FALSE(buffer.push("cccc"));  // 12 > 10: dropped
  CHECK(buffer.push("dd"));          // exactly 10 fits
  CHECK_FALSE(buffer.full());        // non-blocking never makes the container wait
  CHECK(buffer.bytes() == 10);
  auto drops = buffer.take_unreported();
  CHECK(drops.lines == 1);
  CHECK(drops.bytes == 4);
  CHECK(buffer.take_unreported().lines == 0);
  buffer.pop();
  CHECK(buffer.front() == "bbbb");
  CHECK(buffer.push("eeee"));
  buffer.pop();
  buffer.pop();
  buffer.pop();
  CHECK(buffer.empty());
  // A message longer than the whole buffer still goes when nothing waits before it.
  CHECK(buffer.push(std::string(50, 'x')));
  CHECK_FALSE(buffer.push("y"));
  buffer.drop_all();
  CHECK(buffer.empty());
  CHECK(buffer.bytes() == 0);
  CHECK(buffer.dropped_total() == 3);  // "cccc", "y" and the long one left behind
  CHECK(buffer.take_unreported().lines == 2);
}

TEST_CASE("blocking log buffer never drops and is full past its backlog", "[runtime][logs]") {
  LogBuffer buffer(LogDelivery::blocking, 8);
  CHECK(buffer.push("aaaa"));
  CHECK_FALSE(buffer.full());
  CHECK(buffer.push("bbbb"));
  CHECK(buffer.full());
  CHECK(buffer.push("cccc"));  // taken all the same: the caller stopped reading, nothing is lost
  CHECK(buffer.dropped_total() == 0);
  buffer.pop();
  buffer.pop();
  CHECK_FALSE(buffer.full());
}

}  // namespace log_buffer_test
