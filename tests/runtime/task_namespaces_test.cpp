#include "runtime/linux/task_namespaces.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "common/files.hpp"

namespace task_namespaces_test {

using namespace berth;
using namespace berth::runtime;

namespace {

std::string self_stat() {
  auto text = read_file("/proc/self/stat");
  REQUIRE(text.has_value());
  return *text;
}

unsigned long long inode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

unsigned long long device_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_dev;
}

}  // namespace

TEST_CASE("task namespaces: the holder record round-trips and refuses anything else", "[runtime][namespaces]") {
  const NamespaceHolder holder{4242, 987654};
  CHECK(holder_record(holder) == "4242 987654\n");
  const auto parsed = parse_holder_record(holder_record(holder));
  REQUIRE(parsed.has_value());
  CHECK(parsed->pid == 4242);
  CHECK(parsed->start_time == 987654);
  for (const char* bad : {"", "4242", "4242 ", "x 1", "4242 y", "-1 5", "0 5", "4242 0", "4242 5 6", "99999999999 5"}) {
    INFO(bad);
    CHECK_FALSE(parse_holder_record(bad).has_value());
  }
}

TEST_CASE("task namespaces: the start time is field 22 of /proc/<pid>/stat, whatever the command's name",
          "[runtime][namespaces]") {
  const std::string fields = " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 777 19 20\n";
  CHECK(start_time_of_stat("42 (sh)" + fields) == 777ULL);
  CHECK(start_time_of_stat("42 (a) b (c d)" + fields) == 777ULL);  // ')' and spaces in the name
  CHECK_FALSE(start_time_of_stat("42 (sh) S 1 2 3").has_value());
  CHECK_FALSE(start_time_of_stat("garbage").has_value());
  CHECK_FALSE(start_time_of_stat("42 (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x7 19").has_value());
  CHECK(start_time_of_stat(self_stat()).has_value());
}

TEST_CASE("task namespaces: a holder runs only with its pid and its start time", "[runtime][namespaces]") {
  const auto start = start_time_of_stat(self_stat());
  REQUIRE(start.has_value());
  CHECK(holder_running({::getpid(), *start}));
  CHECK_FALSE(holder_running({::getpid(), *start + 1}));  // the pid was reused by another process
  CHECK_FALSE(holder_running({999999999, *start}));
}

// Real namespaces, a real tmpfs and the built binary as the holder: root only.
TEST_CASE("task namespaces: a holder keeps the task's PID and IPC namespaces and its /dev/shm until released",
          "[runtime][namespaces][root]") {
  char pattern[] = "/tmp/berth-ns-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const std::string self_exe =
      std::filesystem::absolute(std::getenv("BERTH_BIN") ? std::getenv("BERTH_BIN") : "build/x86_64-linux-gnu/berth");
  TaskNamespaces namespaces(dir, self_exe, "/sys/fs/cgroup");

  CHECK_FALSE(namespaces.paths_of("t1").has_value());  // never prepared
  REQUIRE(namespaces.prepare("t1", 8LL << 20).has_value());
  auto paths = namespaces.paths_of("t1");
  REQUIRE(paths.has_value());
  CHECK(inode_of(paths->pid_namespace) != inode_of("/proc/self/ns/pid"));
  CHECK(inode_of(paths->ipc_namespace) != inode_of("/proc/self/ns/ipc"));
  REQUIRE(paths->shm == dir + "/t1/shm");
  CHECK(device_of(paths->shm) != device_of(dir + "/t1"));  // a tmpfs of its own
  // The holder is PID 1 of its namespace: its NSpid line lists a host pid and 1.
  const auto record = parse_holder_record(*read_file(dir + "/t1/holder"));
  REQUIRE(record.has_value());
  const auto status = read_file("/proc/" + std::to_string(record->pid) + "/status");
  REQUIRE(status.has_value());
  CHECK(status->find("NSpid:\t" + std::to_string(record->pid) + "\t1\n") != std::string::npos);
  CHECK(namespaces.tasks() == std::vector<std::string>{"t1"});

  // Prepared again (berth restarted before the first container started): the same holder.
  REQUIRE(namespaces.prepare("t1", 8LL << 20).has_value());
  CHECK(namespaces.paths_of("t1")->pid_namespace == paths->pid_namespace);

  REQUIRE(namespaces.release("t1").has_value());
  CHECK_FALSE(holder_running(*record));
  CHECK_FALSE(std::filesystem::exists(dir + "/t1"));
  CHECK_FALSE(namespaces.paths_of("t1").has_value());
  CHECK(namespaces.tasks().empty());
  CHECK(namespaces.release("t1").has_value());  // nothing left to release

  // Without ipcMode task: no /dev/shm of the task's.
  REQUIRE(namespaces.prepare("t2", std::nullopt).has_value());
  CHECK(namespaces.paths_of("t2")->shm.empty());
  CHECK_FALSE(namespaces.prepare("t3", 0).has_value());
  REQUIRE(namespaces.release("t2").has_value());
  REQUIRE(namespaces.release("t3").has_value());
  auto ignored = remove_all(dir);
  (void)ignored;
}

TEST_CASE("task namespaces: without a task directory nothing is made, found or removed", "[runtime][namespaces]") {
  TaskNamespaces none("", "/nonexistent/berth", "/sys/fs/cgroup");
  auto prepared = none.prepare("t1", std::nullopt);
  REQUIRE_FALSE(prepared.has_value());
  CHECK(prepared.error().message == "this runtime has no task directory");
  CHECK_FALSE(none.paths_of("t1").has_value());
  CHECK(none.release("tmp").has_value());  // never "/tmp"
  CHECK(std::filesystem::is_directory("/tmp"));
  CHECK(none.tasks().empty());
}

}  // namespace task_namespaces_test
