// The exit watcher over a real state root in a temporary directory: which files wake it, for
// containers there before it started and those made after.
#include "runtime/shim/exit_watcher.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "common/files.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/shim/shim.hpp"

namespace exit_watcher_test {

using namespace berth;
using berth::testing::TempDir;

namespace {

// Counts the watcher's calls; waits for a count (bounded, so a lost event fails the test rather
// than hanging it).
struct ExitCounter {
  std::mutex mutex;
  std::condition_variable changed;
  int exits = 0;

  void note() {
    {
      std::lock_guard lock(mutex);
      ++exits;
    }
    changed.notify_all();
  }
  bool reaches(int count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(30), [&] { return exits >= count; });
  }
  int now() {
    std::lock_guard lock(mutex);
    return exits;
  }
};

// What a shim does at its container's end: the record renamed into place.
void record_exit(const std::string& dir) { REQUIRE(replace_file(dir + "/" + runtime::k_exit_file, R"({"exitCode":0})")); }

}  // namespace

TEST_CASE("exit watcher: an exit record wakes it, in a container directory made before or after it started",
          "[runtime][exit_watcher]") {
  TempDir tmp;
  const std::string root = tmp.path + "/containers";
  REQUIRE(make_dirs(root + "/before"));
  ExitCounter counter;
  runtime::ExitWatcher watcher(root, [&] { counter.note(); });
  REQUIRE(watcher.start());

  record_exit(root + "/before");
  REQUIRE(counter.reaches(1));

  // The new directory's watch is added by the watcher's thread once it learns of it: the record
  // may land before that (then it is found as the watch is added) or after (then its rename is
  // seen); a record renamed just between the two counts twice, which only wakes the agent twice.
  REQUIRE(make_dirs(root + "/after"));
  record_exit(root + "/after");
  REQUIRE(counter.reaches(2));
  REQUIRE(make_dirs(root + "/later"));
  record_exit(root + "/later");
  REQUIRE(counter.reaches(3));
  watcher.stop();
}

TEST_CASE("exit watcher: after stop() nothing is called; a root that cannot be watched is an error",
          "[runtime][exit_watcher]") {
  TempDir tmp;
  const std::string root = tmp.path + "/containers";
  ExitCounter counter;
  {
    runtime::ExitWatcher watcher(root, [&] { counter.note(); });
    REQUIRE(watcher.start());  // makes the missing root
    REQUIRE(make_dirs(root + "/c"));
    watcher.stop();
    watcher.stop();  // idempotent
    record_exit(root + "/c");
  }
  CHECK(counter.now() == 0);

  REQUIRE(write_file(tmp.path + "/file", ""));
  runtime::ExitWatcher on_a_file(tmp.path + "/file", [&] { counter.note(); });
  CHECK_FALSE(on_a_file.start());
}

}  // namespace exit_watcher_test
