// RuncRuntime's task-level resources with its cgroup root pointed at a directory: the limits it
// writes for cgroup v2 and v1 layouts, and what cleanup removes.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "fixtures/runc_runtime_under.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/runc/runc_runtime.hpp"

namespace runc_task_resources_test {

using namespace berth;
using namespace berth::runtime;
using berth::testing::runtime_under;
using berth::testing::TempDir;

namespace {

TaskSetup host_task() {
  TaskSetup setup;
  setup.task_id = "t1";
  setup.cgroup_path = "/berth/t1";
  setup.limits.cpu_quota_us = 50000;
  setup.limits.memory_bytes = 64LL << 20;
  setup.limits.pids = 100;
  return setup;
}

}  // namespace

TEST_CASE("runc runtime: a task's cgroup v2 limits are written under the runtime's cgroup root", "[runtime]") {
  TempDir tmp;
  const std::string root = tmp.path + "/cgroup";
  REQUIRE(make_dirs(root));
  REQUIRE(write_file(root + "/cgroup.controllers", "cpu memory pids\n"));
  auto runtime = runtime_under(tmp, root);
  CHECK(runtime->cgroup_v2());
  auto prepared = runtime->prepare_task(host_task());
  REQUIRE(prepared.has_value());
  CHECK(prepared->address.empty());
  CHECK(read_file(root + "/berth/t1/cpu.max").value_or("") == "50000 100000");
  CHECK(read_file(root + "/berth/t1/memory.max").value_or("") == std::to_string(64LL << 20));
  CHECK(read_file(root + "/berth/t1/pids.max").value_or("") == "100");
  CHECK(read_file(root + "/berth/cgroup.subtree_control").value_or("") == "+cpu +memory +pids");
  CHECK(runtime->prepared_tasks().empty());  // host networking: nothing attached
}

TEST_CASE("runc runtime: a task's cgroup v1 limits go to each controller's hierarchy", "[runtime]") {
  TempDir tmp;
  const std::string root = tmp.path + "/cgroup";
  for (const char* controller : {"cpu", "memory", "pids"}) REQUIRE(make_dirs(root + "/" + controller));
  auto runtime = runtime_under(tmp, root);
  CHECK_FALSE(runtime->cgroup_v2());
  REQUIRE(runtime->prepare_task(host_task()).has_value());
  CHECK(read_file(root + "/cpu/berth/t1/cpu.cfs_quota_us").value_or("") == "50000");
  CHECK(read_file(root + "/memory/berth/t1/memory.limit_in_bytes").value_or("") == std::to_string(64LL << 20));
  CHECK(read_file(root + "/pids/berth/t1/pids.max").value_or("") == "100");
}

TEST_CASE("runc runtime: a task without task-level limits gets its cgroup from runc; cleanup removes it", "[runtime]") {
  TempDir tmp;
  const std::string root = tmp.path + "/cgroup";
  REQUIRE(make_dirs(root + "/memory"));
  auto runtime = runtime_under(tmp, root);
  TaskSetup setup = host_task();
  setup.limits = {};
  REQUIRE(runtime->prepare_task(setup).has_value());
  CHECK_FALSE(std::filesystem::exists(root + "/memory/berth/t1"));
  REQUIRE(make_dirs(root + "/memory/berth/t1/main"));  // as runc makes a container's cgroup and its parent
  REQUIRE(::rmdir((root + "/memory/berth/t1/main").c_str()) == 0);  // as runc delete removes the container's
  REQUIRE(runtime->cleanup_task("t1", "/berth/t1").has_value());
  CHECK_FALSE(std::filesystem::exists(root + "/memory/berth/t1"));
}

TEST_CASE("runc runtime: task namespaces need the runtime's task directory; a private task makes none",
          "[runtime][namespaces]") {
  TempDir tmp;
  const std::string root = tmp.path + "/cgroup";
  REQUIRE(make_dirs(root + "/memory"));
  auto runtime = runtime_under(tmp, root);  // no task_root
  TaskSetup setup = host_task();
  setup.limits = {};
  REQUIRE(runtime->prepare_task(setup).has_value());  // private namespaces: nothing to hold
  CHECK(runtime->prepared_tasks().empty());
  setup.pid_mode = NamespaceMode::task;
  auto refused = runtime->prepare_task(setup);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message == "task namespaces: this runtime has no task directory");
  REQUIRE(runtime->cleanup_task("t1", "/berth/t1").has_value());  // nothing of namespaces to release
}

}  // namespace runc_task_resources_test
