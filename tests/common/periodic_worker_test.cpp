#include "common/periodic_worker.hpp"

#include <catch2/catch.hpp>
#include <future>
#include <stdexcept>

#include "fixtures/stderr_capture.hpp"

namespace periodic_worker_test {

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

TEST_CASE("periodic worker: a success ends a run of repeated failures", "[common][worker]") {
  PeriodicWorker worker;
  berth::testing::StderrCapture captured;
  const auto fail = [](const char* what) { return [what] { throw std::runtime_error(what); }; };
  worker.run_contained("test", fail("disk full"));  // logged
  worker.run_contained("test", fail("disk full"));  // a repeat: counted, not logged
  worker.run_contained("test", [] {});              // success: the repeats are over
  worker.run_contained("test", fail("no route"));   // a new failure, no repeats behind it
  const std::string log = captured.text();
  CHECK(captured.count("pass failed: disk full") == 1);
  CHECK(captured.count("pass failed: no route") == 1);
  CHECK(log.find("repeated") == std::string::npos);
}

TEST_CASE("periodic worker: a stopped worker starts again and runs its passes", "[common][worker]") {
  PeriodicWorker worker;
  for (int round = 0; round < 3; ++round) {
    std::promise<void> ran;
    bool told = false;
    worker.start("test", std::chrono::hours(1), [&] {
      if (!told) ran.set_value();
      told = true;
    });
    worker.wake();
    REQUIRE(ran.get_future().wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    worker.stop();
  }
}

TEST_CASE("periodic worker: its thread bears the worker's name, cut to the kernel's 15 bytes", "[common][worker]") {
  for (const auto& [name, shown] : {std::pair<std::string, std::string>{"agent", "agent"},
                                    {"service scheduler", "service schedul"}}) {
    PeriodicWorker worker;
    std::promise<std::string> seen;
    bool told = false;
    worker.start(name, std::chrono::hours(1), [&] {
      char buffer[16] = {};
      pthread_getname_np(pthread_self(), buffer, sizeof buffer);
      if (!told) seen.set_value(buffer);
      told = true;
    });
    worker.wake();
    auto future = seen.get_future();
    REQUIRE(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    CHECK(future.get() == shown);
    worker.stop();
  }
}

}  // namespace periodic_worker_test
