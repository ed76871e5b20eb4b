#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <thread>

#include "common/thread_annotations.hpp"

namespace thread_annotations_test {

using berth::Mutex;
using berth::MutexLock;

namespace {

// Two counters that only ever change together: a reader that holds the lock never sees them apart.
struct Pair {
  Mutex mutex;
  long first BERTH_GUARDED_BY(mutex) = 0;
  long second BERTH_GUARDED_BY(mutex) = 0;

  void bump() {
    MutexLock lock(mutex);
    ++first;
    std::this_thread::yield();  // widens the window in which an unlocked reader would see a gap
    ++second;
  }
  bool consistent() {
    MutexLock lock(mutex);
    return first == second;
  }
  long total() {
    MutexLock lock(mutex);
    return first + second;
  }
};

}  // namespace

TEST_CASE("mutex lock: holders exclude each other", "[common][threads]") {
  Pair pair;
  constexpr int k_bumps = 20000;
  std::thread writer([&] {
    for (int i = 0; i < k_bumps; ++i) pair.bump();
  });
  int torn = 0;
  for (int i = 0; i < k_bumps; ++i) {
    pair.bump();
    if (!pair.consistent()) ++torn;
  }
  writer.join();
  CHECK(torn == 0);
  CHECK(pair.total() == 4L * k_bumps);
}

TEST_CASE("mutex lock: wait lets go of the mutex and returns when notified", "[common][threads]") {
  // Shared and detached: if the wait kept the mutex or missed the notification, the threads would
  // block for good; the test then fails on its deadline instead of hanging.
  struct Handshake {
    Mutex mutex;
    std::condition_variable changed;
    bool in_wait = false;  // guarded by `mutex`
    bool ready = false;    // guarded by `mutex`
    std::atomic<bool> done{false};
  };
  auto state = std::make_shared<Handshake>();
  std::thread([state] {
    std::thread waiter([state] {
      MutexLock lock(state->mutex);
      state->in_wait = true;
      state->changed.notify_all();
      while (!state->ready) lock.wait(state->changed);
    });
    {
      // The waiter holds the mutex from setting `in_wait` until its wait lets go of it.
      MutexLock lock(state->mutex);
      while (!state->in_wait) lock.wait(state->changed);
      state->ready = true;
    }
    state->changed.notify_all();
    waiter.join();
    state->done = true;
  }).detach();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!state->done && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(state->done);
}

TEST_CASE("mutex lock: wait_until says timeout once the deadline passed", "[common][threads]") {
  Mutex mutex;
  std::condition_variable never_notified;
  MutexLock lock(mutex);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::milliseconds(20);
  std::cv_status status = std::cv_status::no_timeout;
  // A spurious wake-up returns no_timeout early: wait again until the deadline.
  while (status == std::cv_status::no_timeout) status = lock.wait_until(never_notified, deadline);
  CHECK(std::chrono::steady_clock::now() >= deadline);
  CHECK(lock.wait_until(never_notified, start) == std::cv_status::timeout);  // a past deadline returns at once
}

TEST_CASE("mutex lock: a second thread waits while the first holds the mutex", "[common][threads]") {
  Mutex mutex;
  bool released = false;  // guarded by `mutex`
  bool saw_released = false;
  std::thread other;
  {
    MutexLock lock(mutex);
    other = std::thread([&] {
      MutexLock inner(mutex);  // blocks until the holder below lets go
      saw_released = released;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    released = true;
  }
  other.join();
  CHECK(saw_released);
}

}  // namespace thread_annotations_test
