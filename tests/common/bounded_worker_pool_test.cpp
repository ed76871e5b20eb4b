#include <catch2/catch.hpp>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "common/bounded_worker_pool.hpp"

namespace bounded_worker_pool_test {

using berth::BoundedWorkerPool;

TEST_CASE("bounded worker pool: a full queue refuses, a throwing job does not stop the pool", "[common][pool]") {
  BoundedWorkerPool pool(1, 1);
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  const auto blocking = [&] {
    while (!release) std::this_thread::yield();
    ++ran;
  };
  REQUIRE(pool.try_submit(blocking));
  // The one worker may not have taken the first job yet: the queue holds one job at most.
  while (!pool.try_submit([&] { throw std::runtime_error("bug"); })) std::this_thread::yield();
  CHECK_FALSE(pool.try_submit([&] { ++ran; }));
  CHECK_FALSE(pool.try_submit([&] { ++ran; }));
  release = true;
  while (!pool.try_submit([&] { ++ran; })) std::this_thread::yield();
  pool.stop();
  CHECK(ran == 2);
  CHECK_FALSE(pool.try_submit([&] { ++ran; }));
}

TEST_CASE("bounded worker pool: concurrent stops join the threads once and both return", "[common][pool]") {
  BoundedWorkerPool pool(2, 4);
  std::atomic<int> ran{0};
  for (int i = 0; i < 4; ++i) REQUIRE(pool.try_submit([&] { ++ran; }));
  std::thread other([&] { pool.stop(); });
  pool.stop();
  other.join();
  pool.stop();
  CHECK(ran == 4);
}

}  // namespace bounded_worker_pool_test
