// Project quotas on a real filesystem: an ext4 image made with the quota and project features,
// loop-mounted with prjquota ([root]). Where the kernel cannot mount it (built without the quota
// formats) only the refusals are checked, and a warning says so.
#include "runtime/linux/project_quota.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>

#include "common/files.hpp"
#include "fixtures/runc_runtime_under.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/runc/runc_runtime.hpp"

namespace project_quota_test {

using namespace berth;
using namespace berth::runtime;
using berth::testing::runtime_under;
using berth::testing::TempDir;

namespace {

// An ext4 filesystem with project quotas on a sparse image of `size` under `tmp`, mounted at
// <tmp>/mnt while it lives; mounted() false where the kernel refuses it.
struct ProjectQuotaMount {
  std::string image;
  std::string dir;
  bool is_mounted = false;

  ProjectQuotaMount(const TempDir& tmp, const std::string& size) : image(tmp.path + "/fs.img"), dir(tmp.path + "/mnt") {
    REQUIRE(make_dirs(dir));
    auto made = run_command({"sh", "-c", "truncate -s " + size + " " + image + " && mkfs.ext4 -q -O quota,project " + image},
                            120000);
    REQUIRE(made.has_value());
    INFO(made->output);
    REQUIRE(made->exit_code == 0);
    auto mounted = run_command({"mount", "-o", "loop,prjquota", image, dir}, 60000);
    REQUIRE(mounted.has_value());
    is_mounted = mounted->exit_code == 0;
    if (!is_mounted) WARN("this kernel cannot mount ext4 with project quotas; only the refusals are checked: " + mounted->output);
  }
  ~ProjectQuotaMount() {
    if (is_mounted) ::umount2(dir.c_str(), MNT_DETACH);
  }
};

// Writes `bytes` to a new file `path` (zeros, in 64 KiB pieces, synced) with this thread's
// capabilities; returns 0 or the errno.
int write_bytes_as_is(const std::string& path, std::size_t bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  static const std::string chunk(64 * 1024, '\0');
  int error = 0;
  for (std::size_t written = 0; written < bytes && error == 0; written += chunk.size()) {
    if (::write(fd, chunk.data(), chunk.size()) < 0) error = errno;
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  ::close(fd);
  return error;
}

// Writes `bytes` to a new file `path` (zeros, in 64 KiB pieces, synced) as a container would:
// without CAP_SYS_RESOURCE, which lets root past the limit. Returns 0 or the errno.
int write_bytes(const std::string& path, std::size_t bytes) {
  int error = 0;
  REQUIRE(without_quota_override([&] {
            error = write_bytes_as_is(path, bytes);
            return 0;
          }) == 0);
  return error;
}

// Allocates `bytes` for a new file `path` without CAP_SYS_RESOURCE; returns 0 or the errno.
int allocate_bytes(const std::string& path, off_t bytes) {
  int error = 0;
  REQUIRE(without_quota_override([&] {
            const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd < 0) {
              error = errno;
              return 0;
            }
            if (::fallocate(fd, 0, 0, bytes) != 0) error = errno;
            ::close(fd);
            return 0;
          }) == 0);
  return error;
}

bool sys_resource_effective() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  REQUIRE(::syscall(SYS_capget, &header, data) == 0);
  return (data[CAP_TO_INDEX(CAP_SYS_RESOURCE)].effective & CAP_TO_MASK(CAP_SYS_RESOURCE)) != 0;
}

TaskSetup limited_task(const std::string& id, long long gib) {
  TaskSetup setup;
  setup.task_id = id;
  setup.cgroup_path = "/berth/" + id;
  setup.ephemeral_storage_gib = gib;
  return setup;
}

}  // namespace

TEST_CASE("project quota: the overlay mount runs without CAP_SYS_RESOURCE, which comes back after",
          "[runtime][root]") {
  // berth runs as root, usually with the capability (a sandbox may have taken it already).
  const bool before = sys_resource_effective();
  if (!before) WARN("this process lacks CAP_SYS_RESOURCE: only its staying off is checked");
  bool inside = true;
  errno = 0;
  const int result = without_quota_override([&] {
    inside = sys_resource_effective();
    errno = ENODEV;
    return -1;
  });
  CHECK(result == -1);
  CHECK(errno == ENODEV);  // the mount's errno, for the caller's message
  CHECK_FALSE(inside);
  CHECK(sys_resource_effective() == before);
  CHECK(without_quota_override([] { return 0; }) == 0);
}

TEST_CASE("project quota: a filesystem without project quotas is refused, with the directory named", "[runtime]") {
  TempDir tmp;
  // /tmp's filesystem here keeps no project quotas (no prjquota mount option): nothing to enforce.
  CHECK_FALSE(project_quotas_supported(tmp.path));
  CHECK_FALSE(project_quotas_supported(tmp.path + "/missing"));
  auto limited = set_project_limit(tmp.path, 0x62000000, 1 << 20);
  REQUIRE_FALSE(limited.has_value());
  CHECK(limited.error().message.find(tmp.path) != std::string::npos);
  auto assigned = assign_project(tmp.path + "/missing", 0x62000000);
  REQUIRE_FALSE(assigned.has_value());
  CHECK(assigned.error().message.find(tmp.path + "/missing") != std::string::npos);
  CHECK_FALSE(project_of(tmp.path + "/missing").has_value());
  CHECK_FALSE(project_usage(tmp.path, 0x62000000).has_value());
}

TEST_CASE("project quota: a directory's project id is inherited and its limit refuses writes past it", "[runtime][root]") {
  TempDir tmp;
  ProjectQuotaMount fs(tmp, "64M");
  if (!fs.is_mounted) return;
  REQUIRE(project_quotas_supported(fs.dir));
  const std::string tree = fs.dir + "/tree";
  REQUIRE(make_dirs(tree));
  constexpr std::uint32_t project = 0x62000007;
  REQUIRE(assign_project(tree, project));
  CHECK(project_of(tree) == project);
  REQUIRE(make_dirs(tree + "/upper/deep"));
  CHECK(project_of(tree + "/upper/deep") == project);  // made after: inherited
  CHECK(project_of(fs.dir) == 0u);
  CHECK(project_in_use(fs.dir, project + 1) == false);
  REQUIRE(set_project_limit(fs.dir, project, 1 << 20));
  CHECK(project_in_use(fs.dir, project) == true);  // a limit, even before any file counts
  CHECK(write_bytes(tree + "/upper/deep/small", 256 * 1024) == 0);
  CHECK(project_usage(fs.dir, project).value_or(0) >= 256 * 1024);
  CHECK(write_bytes(tree + "/upper/deep/big", 2 << 20) == EDQUOT);
  CHECK(write_bytes(fs.dir + "/outside", 2 << 20) == 0);  // the limit is the project's only
  REQUIRE(set_project_limit(fs.dir, project, 0));         // 0: no limit
  CHECK(write_bytes(tree + "/upper/deep/big", 2 << 20) == 0);
}

TEST_CASE("runc runtime: ephemeralStorage is refused at task setup where the data dir has no project quotas",
          "[runtime]") {
  TempDir tmp;
  auto runtime = runtime_under(tmp, tmp.path + "/cgroup");
  auto prepared = runtime->prepare_task(limited_task("t1", 21));
  REQUIRE_FALSE(prepared.has_value());
  CHECK(prepared.error().message.starts_with("ephemeralStorage needs project quotas on berth's data dir (" +
                                             tmp.path + "/data/bundles)"));
  CHECK_FALSE(std::filesystem::exists(tmp.path + "/data/project-ids/t1"));
}

TEST_CASE("runc runtime: a task holding a storage limit is a prepared task until its cleanup releases it",
          "[runtime]") {
  TempDir tmp;
  // A record left by an earlier berth whose data dir has since lost its project quotas.
  REQUIRE(make_dirs(tmp.path + "/data/project-ids"));
  REQUIRE(write_file(tmp.path + "/data/project-ids/t9", std::to_string(TaskProjectIds::k_first) + "\n"));
  auto runtime = runtime_under(tmp, tmp.path + "/cgroup");
  CHECK(runtime->prepared_tasks() == std::vector<std::string>{"t9"});
  REQUIRE(runtime->cleanup_task("t9", "/berth/t9"));
  CHECK(runtime->prepared_tasks().empty());
  CHECK_FALSE(std::filesystem::exists(tmp.path + "/data/project-ids/t9"));
}

TEST_CASE("runc runtime: a task's storage limit takes a project id, kept across a restart, released at cleanup",
          "[runtime][root]") {
  TempDir tmp;
  ProjectQuotaMount fs(tmp, "24G");  // sparse: room for the smallest limit ECS allows, 21 GiB
  if (!fs.is_mounted) return;
  const std::string bundles = fs.dir + "/bundles";
  REQUIRE(runtime_under(tmp, tmp.path + "/cgroup", bundles)->prepare_task(limited_task("t1", 21)));
  const std::string record = fs.dir + "/project-ids/t1";
  auto text = read_file(record);
  REQUIRE(text.has_value());
  const std::uint32_t project = TaskProjectIds::k_first;
  CHECK(*text == std::to_string(project) + "\n");
  // A container's bundle takes the id as start() gives it, its writable layer made inside after:
  // 22 GiB do not fit, 1 GiB does.
  const std::string bundle = bundles + "/t1-main";
  REQUIRE(make_dirs(bundle));
  REQUIRE(assign_project(bundle, project));
  const std::string layer = bundle + "/upper";
  REQUIRE(make_dirs(layer + "/x"));
  constexpr off_t gib = off_t{1} << 30;
  CHECK(allocate_bytes(layer + "/x/big", 22 * gib) == EDQUOT);
  REQUIRE(::unlink((layer + "/x/big").c_str()) == 0);  // ext4 keeps what the refused call allocated
  CHECK(allocate_bytes(layer + "/x/fits", gib) == 0);
  // A berth started again finds the task's id and releases it with the limit.
  REQUIRE(runtime_under(tmp, tmp.path + "/cgroup", bundles)->cleanup_task("t1", "/berth/t1"));
  CHECK_FALSE(std::filesystem::exists(record));
  REQUIRE(::unlink((layer + "/x/fits").c_str()) == 0);
  CHECK(allocate_bytes(layer + "/x/big", 22 * gib) == 0);  // the limit went with the id
}

}  // namespace project_quota_test
