#include "common/periodic_worker.hpp"

#include <catch2/catch.hpp>
#include <future>
#include <stdexcept>

using namespace berth;

TEST_CASE("periodic worker: a pass that throws is contained and the next pass runs", "[common][worker]") {
  int passes = 0;
  std::promise<void> second_pass;
  PeriodicWorker worker;
  worker.start("test", std::chrono::milliseconds(1), [&] {
    ++passes;
    if (passes == 1) throw std::runtime_error("poisoned pass");
    if (passes == 2) throw 42;  // not even a std::exception
    if (passes == 3) second_pass.set_value();
  });
  // Without containment the first throw ends the test binary (std::terminate).
  REQUIRE(second_pass.get_future().wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  worker.stop();
  CHECK(passes >= 3);
}
