#include "agent/task_crash_guard.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "fixtures/stderr_capture.hpp"
#include "fixtures/temp_dir.hpp"

namespace task_crash_guard_test {

using namespace berth;
using namespace berth::agent;
using berth::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string k_task = "0123456789abcdef0123456789abcdef";
const std::string k_other = "fedcba9876543210fedcba9876543210";

std::size_t markers(const std::string& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir, ec)) ++n;
  return n;
}

}  // namespace

TEST_CASE("crash guard: work that ends leaves no marker and counts nothing", "[agent][crash]") {
  TempDir tmp;
  const std::string dir = tmp.path + "/work";
  {
    TaskCrashGuard guard(dir);
    CHECK(guard.load().empty());
    guard.begin(k_task, TaskPhase::starting);
    CHECK(markers(dir) == 1);
    guard.end(k_task);
    CHECK(markers(dir) == 0);
  }
  TaskCrashGuard next(dir);
  CHECK(next.load().empty());
  CHECK(next.verdict(k_task) == CrashVerdict::carry_on);
}

TEST_CASE("crash guard: a task that crashes berth twice while starting is stopped", "[agent][crash]") {
  TempDir tmp;
  const std::string dir = tmp.path + "/work";
  {
    TaskCrashGuard first(dir);  // the process that crashes: its marker stays
    first.load();
    first.begin(k_task, TaskPhase::starting);
    first.begin(k_other, TaskPhase::starting);
    first.end(k_other);
  }
  {
    TaskCrashGuard second(dir);
    CHECK(second.load().empty());
    CHECK(second.crashes(k_task) == 1);
    CHECK(second.crashes(k_other) == 0);
    CHECK(second.verdict(k_task) == CrashVerdict::carry_on);
    second.begin(k_task, TaskPhase::starting);  // retried, and crashes again
  }
  TaskCrashGuard third(dir);
  CHECK(third.load() == std::vector<std::string>{k_task});
  CHECK(third.crashes(k_task) == 2);
  CHECK(third.verdict(k_task) == CrashVerdict::stop);
  // Stopping it goes on under a stopping marker; once stopped, the marker goes.
  third.begin(k_task, TaskPhase::stopping);
  CHECK(markers(dir) == 1);
  third.end(k_task);
  CHECK(markers(dir) == 0);
}

TEST_CASE("crash guard: a crash while stopping the task at the limit abandons it", "[agent][crash]") {
  TempDir tmp;
  const std::string dir = tmp.path + "/work";
  REQUIRE(make_dirs(dir).has_value());
  REQUIRE(write_file(dir + "/" + k_task, "stopping 1\n").has_value());
  TaskCrashGuard guard(dir);
  CHECK(guard.load() == std::vector<std::string>{k_task});
  CHECK(guard.verdict(k_task) == CrashVerdict::abandon);
}

TEST_CASE("crash guard: markers are written on transitions only; stale ones are dropped", "[agent][crash]") {
  TempDir tmp;
  const std::string dir = tmp.path + "/work";
  REQUIRE(make_dirs(dir).has_value());
  REQUIRE(write_file(dir + "/" + k_other, "").has_value());  // cut short by the crash: one crash
  REQUIRE(write_file(dir + "/not-a-task.tmp", "x").has_value());
  TaskCrashGuard guard(dir);
  CHECK(guard.load().empty());
  CHECK(guard.crashes(k_other) == 1);
  CHECK_FALSE(guard.crashes("not-a-task.tmp"));

  guard.begin(k_task, TaskPhase::starting);
  const auto written = fs::last_write_time(dir + "/" + k_task);
  fs::last_write_time(dir + "/" + k_task, written - std::chrono::hours(1));
  guard.begin(k_task, TaskPhase::starting);  // a later pass of the same work: no write
  CHECK(fs::last_write_time(dir + "/" + k_task) == written - std::chrono::hours(1));
  guard.begin(k_task, TaskPhase::stopping);  // a new phase: rewritten
  CHECK(read_file(dir + "/" + k_task) == "stopping 0\n");

  guard.retain_only({});  // neither task is active any more
  CHECK_FALSE(fs::exists(dir + "/" + k_task));
  CHECK_FALSE(fs::exists(dir + "/" + k_other));
  CHECK(fs::exists(dir + "/not-a-task.tmp"));
}

TEST_CASE("crash guard: a marker that cannot be written is reported once, not on every pass", "[agent][crash]") {
  TempDir tmp;
  // A directory under a plain file cannot be made, even by root.
  REQUIRE(write_file(tmp.path + "/plain", "x"));
  TaskCrashGuard guard(tmp.path + "/plain/work");
  guard.load();
  berth::testing::StderrCapture captured;
  for (int pass = 0; pass < 5; ++pass) guard.begin(k_task, TaskPhase::starting);
  CHECK(captured.count("cannot write its marker") == 1);
  guard.begin(k_task, TaskPhase::stopping);  // a new phase is a new attempt
  CHECK(captured.count("cannot write its marker") == 2);
  guard.end(k_task);
  guard.begin(k_task, TaskPhase::starting);  // ended work forgets the failure
  CHECK(captured.count("cannot write its marker") == 3);
}

}  // namespace task_crash_guard_test
