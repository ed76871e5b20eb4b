#include "runtime/linux/task_project_ids.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "common/files.hpp"
#include "fixtures/temp_dir.hpp"

namespace task_project_ids_test {

using namespace berth;
using namespace berth::runtime;
using berth::testing::TempDir;

TEST_CASE("task project ids: one id per task, never shared, found again by a new berth", "[runtime]") {
  TempDir tmp;
  const std::string root = tmp.path + "/project-ids";
  TaskProjectIds ids(root);
  CHECK_FALSE(ids.find("a").has_value());
  CHECK(ids.acquire("a") == TaskProjectIds::k_first);
  CHECK(ids.acquire("b") == TaskProjectIds::k_first + 1);
  CHECK(ids.acquire("a") == TaskProjectIds::k_first);  // held: the same id
  TaskProjectIds restarted(root);
  CHECK(restarted.find("a") == TaskProjectIds::k_first);
  CHECK(restarted.find("b") == TaskProjectIds::k_first + 1);
  REQUIRE(restarted.release("a"));
  CHECK_FALSE(restarted.find("a").has_value());
  CHECK(restarted.acquire("c") == TaskProjectIds::k_first);  // a released id is given again
  CHECK(restarted.release("never-held").has_value());
  auto holders = restarted.tasks();
  std::sort(holders.begin(), holders.end());
  CHECK(holders == std::vector<std::string>{"b", "c"});
}

TEST_CASE("task project ids: an id in use on the filesystem (another berth's) is skipped", "[runtime]") {
  TempDir tmp;
  TaskProjectIds ids(tmp.path + "/project-ids");
  // Another berth whose data dir shares the filesystem holds the first two ids of the range.
  const auto other_berths = [](std::uint32_t id) { return id < TaskProjectIds::k_first + 2; };
  CHECK(ids.acquire("a", other_berths) == TaskProjectIds::k_first + 2);
  CHECK(ids.acquire("a", other_berths) == TaskProjectIds::k_first + 2);  // held: not asked again
  CHECK(ids.acquire("b", other_berths) == TaskProjectIds::k_first + 3);
  CHECK(ids.acquire("c") == TaskProjectIds::k_first);
}

TEST_CASE("task project ids: a record outside berth's range or unreadable holds nothing", "[runtime]") {
  TempDir tmp;
  const std::string root = tmp.path + "/project-ids";
  REQUIRE(make_dirs(root));
  REQUIRE(write_file(root + "/foreign", "7\n"));
  REQUIRE(write_file(root + "/garbage", "sixty\n"));
  REQUIRE(write_file(root + "/ours", std::to_string(TaskProjectIds::k_first) + "\n"));
  TaskProjectIds ids(root);
  CHECK_FALSE(ids.find("foreign").has_value());
  CHECK_FALSE(ids.find("garbage").has_value());
  CHECK(ids.acquire("new") == TaskProjectIds::k_first + 1);
  auto holders = ids.tasks();
  std::sort(holders.begin(), holders.end());
  CHECK(holders == std::vector<std::string>{"new", "ours"});
  CHECK(TaskProjectIds(tmp.path + "/none").tasks().empty());
}

TEST_CASE("task project ids: a root that cannot be made is an error", "[runtime]") {
  TempDir tmp;
  REQUIRE(write_file(tmp.path + "/file", "x"));
  TaskProjectIds ids(tmp.path + "/file/project-ids");
  auto acquired = ids.acquire("a");
  REQUIRE_FALSE(acquired.has_value());
  CHECK(acquired.error().code == Code::server);
}

}  // namespace task_project_ids_test
