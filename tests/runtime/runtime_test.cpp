// Real runc, real containers: these need root, runc and the busybox image from rootfs/.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "common/clock.hpp"
#include "common/files.hpp"
#include "common/ids.hpp"
#include "fixtures/mounts.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/linux/seccomp_profile.hpp"
#include "runtime/runc/exec_session.hpp"
#include "runtime/runc/runc_exec.hpp"
#include "runtime/runc/runc_runtime.hpp"
#include "runtime/shim/log_writer.hpp"

namespace runtime_test {

using namespace berth;
using namespace berth::runtime;

namespace {

std::string busybox_archive() {
  const char* env = std::getenv("BERTH_TEST_IMAGES");
  return std::string(env ? env : "build/images") + "/busybox.tar";
}

struct RuntimeFixture {
  std::string dir;
  SystemClock clock;
  std::unique_ptr<ImageStore> images;
  RuncPaths paths;
  std::unique_ptr<RuncRuntime> runtime;

  RuntimeFixture() {
    char pattern[] = "/tmp/berth-rt-XXXXXX";
    dir = mkdtemp(pattern);
    auto store = ImageStore::open(dir + "/images", clock);
    REQUIRE(store.has_value());
    images = std::move(*store);
    auto imported = images->import_archive(busybox_archive());
    INFO((imported ? "" : imported.error().message));
    REQUIRE(imported.has_value());
    paths.runc_root = dir + "/runc";
    paths.state_root = dir + "/state";
    paths.bundle_root = dir + "/bundles";
    paths.log_root = dir + "/logs";
    paths.task_root = dir + "/tasks";
    paths.self_exe = std::getenv("BERTH_BIN") ? std::getenv("BERTH_BIN") : "build/x86_64-linux-gnu/berth";
    paths.self_exe = std::filesystem::absolute(paths.self_exe).string();
    runtime = std::make_unique<RuncRuntime>(paths);
  }
  ~RuntimeFixture() {
    for (const auto& id : runtime->known_containers()) {
      auto ignored = runtime->remove(id);
      (void)ignored;
    }
    runtime.reset();  // its spare root goes with it
    auto ignored = remove_all(dir);
    (void)ignored;
  }

  ContainerSpec spec(std::vector<std::string> args) {
    ContainerSpec s;
    s.id = "t" + random_hex(6);
    s.image_rootfs = images->find("busybox")->rootfs;
    s.args = std::move(args);
    s.env = {"PATH=/bin"};
    s.capabilities = default_capabilities();
    s.cgroups_path = "/berth-test/" + s.id;
    s.seccomp = shared_seccomp_profile(s.capabilities);
    return s;
  }

  // What `ps` in the running container `id` lists (its processes' command lines).
  std::string processes_in(const std::string& id) {
    auto ps = runtime->exec(id, {"ps", "-o", "pid,args"}, 10000);
    REQUIRE(ps.has_value());
    return ps->output;
  }

  ContainerStatus wait_exit(const std::string& id) {
    for (int i = 0; i < 500; ++i) {
      auto st = runtime->status(id);
      if (st.state == ContainerStatus::State::exited) return st;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL("container " << id << " did not exit");
    return {};
  }
};

}  // namespace

TEST_CASE_METHOD(RuntimeFixture, "runtime: exit codes and output are recorded", "[runtime][root]") {
  auto s = spec({"sh", "-c", "echo hello from busybox; echo oops >&2; exit 3"});
  auto pid = runtime->start(s);
  INFO((pid ? "" : pid.error().message));
  REQUIRE(pid.has_value());
  CHECK(*pid > 0);
  auto st = wait_exit(s.id);
  CHECK(st.exit_code == 3);
  CHECK_FALSE(st.oom_killed);
  const auto lines = read_log(runtime->log_path(s.id), 2);
  REQUIRE(lines.size() >= 2);
  CHECK(lines[0].stream == "stdout");
  CHECK(lines[0].text == "hello from busybox");
  CHECK(lines[1].stream == "stderr");
  CHECK(lines[1].text == "oops");
}

TEST_CASE_METHOD(RuntimeFixture, "runtime: the default seccomp profile denies unshare with EPERM", "[runtime][root]") {
  auto s = spec({"sh", "-c", "unshare -n true; echo rc=$?"});
  REQUIRE(runtime->start(s).has_value());
  wait_exit(s.id);
  const auto lines = read_log(runtime->log_path(s.id), 2);
  std::string all;
  for (const auto& l : lines) all += l.text + "\n";
  CHECK(all.find("Operation not permitted") != std::string::npos);
  CHECK(all.find("rc=1") != std::string::npos);
}

TEST_CASE_METHOD(RuntimeFixture, "runtime: a start error is reported, not hung on", "[runtime][root]") {
  auto s = spec({"/no/such/binary"});
  auto pid = runtime->start(s);
  REQUIRE_FALSE(pid.has_value());
  CHECK(pid.error().message.find("no/such/binary") != std::string::npos);
  CHECK(runtime->status(s.id).start_error.size() > 0);
  // The shim made its attach socket and pid file while runc ran; a failed start leaves neither.
  CHECK_FALSE(std::filesystem::exists(paths.state_root + "/" + s.id + "/" + k_attach_socket));
  CHECK_FALSE(std::filesystem::exists(paths.state_root + "/" + s.id + "/" + k_shim_pid_file));
}

TEST_CASE_METHOD(RuntimeFixture, "runtime: kill and exec reach the running container", "[runtime][root]") {
  auto s = spec({"sleep", "60"});
  REQUIRE(runtime->start(s).has_value());
  CHECK(runtime->status(s.id).state == ContainerStatus::State::running);
  // Reported started: its monitor is recorded and attach can connect.
  CHECK(std::filesystem::exists(paths.state_root + "/" + s.id + "/" + k_shim_pid_file));
  CHECK(std::filesystem::is_socket(paths.state_root + "/" + s.id + "/" + k_attach_socket));
  auto exec = runtime->exec(s.id, {"sh", "-c", "echo inside; exit 4"}, 10000);
  REQUIRE(exec.has_value());
  CHECK(exec->exit_code == 4);
  CHECK(exec->output.find("inside") != std::string::npos);
  CHECK_FALSE(exec->output_truncated);
  REQUIRE(runtime->kill(s.id, 9).has_value());
  auto st = wait_exit(s.id);
  CHECK(st.exit_code == 137);
}

TEST_CASE_METHOD(RuntimeFixture, "runtime: container_stats reads a busy container's cgroup", "[runtime][root][metrics]") {
  auto s = spec({"sh", "-c", "while :; do :; done"});
  s.memory_limit_bytes = 64LL << 20;
  REQUIRE(runtime->start(s).has_value());
  auto first = runtime->container_stats(s.id);
  INFO((first ? "" : first.error().message));
  REQUIRE(first.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto second = runtime->container_stats(s.id);
  REQUIRE(second.has_value());
  // A shell spinning for half a second burns most of a core (at least 50 ms even on a busy host).
  CHECK(second->cpu_usage_ns >= first->cpu_usage_ns + 50'000'000);
  CHECK(second->cpu_user_ns + second->cpu_system_ns > 0);
  CHECK(second->memory_usage_bytes > 0);
  CHECK(second->memory_working_set_bytes > 0);
  CHECK(second->memory_working_set_bytes <= second->memory_usage_bytes);
  CHECK(second->memory_limit_bytes == (64LL << 20));
  CHECK(second->pids >= 1);
  // Its own network namespace has no eth0 (no network attached): nothing to report.
  CHECK_FALSE(second->network.has_value());

  REQUIRE(runtime->kill(s.id, 9).has_value());
  wait_exit(s.id);
  const auto exited = runtime->container_stats(s.id);
  REQUIRE_FALSE(exited.has_value());
  CHECK(exited.error().message.find("not running") != std::string::npos);
  CHECK_FALSE(runtime->container_stats("no-such-container").has_value());
}

TEST_CASE_METHOD(RuntimeFixture,
                 "runtime: a task's containers share its PID and IPC namespaces and /dev/shm; init runs a command",
                 "[runtime][root][namespaces]") {
  TaskSetup setup;
  setup.task_id = "ns" + random_hex(6);
  setup.cgroup_path = "/berth-test/" + setup.task_id;
  setup.pid_mode = NamespaceMode::task;
  setup.ipc_mode = NamespaceMode::task;
  setup.shm_bytes = 8LL << 20;
  REQUIRE(runtime->prepare_task(setup).has_value());
  CHECK(runtime->prepared_tasks() == std::vector<std::string>{setup.task_id});
  const auto join = [&](ContainerSpec s) {
    s.task_id = setup.task_id;
    s.pid_mode = NamespaceMode::task;
    s.ipc_mode = NamespaceMode::task;
    return s;
  };
  const ContainerSpec a = join(spec({"sh", "-c", "touch /dev/shm/mark; exec sleep 60"}));
  REQUIRE(runtime->start(a).has_value());
  const std::string mark = dir + "/tasks/" + setup.task_id + "/shm/mark";
  for (int i = 0; i < 250 && !std::filesystem::exists(mark); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(std::filesystem::exists(mark));  // a's /dev/shm is the task's tmpfs

  ContainerSpec b = join(spec({"sh", "-c", "ls /dev/shm; ps -o pid,args"}));
  b.init = true;
  b.readonly_rootfs = true;  // the init's mount point is made before the root turns read-only
  REQUIRE(runtime->start(b).has_value());
  CHECK(wait_exit(b.id).exit_code == 0);
  std::string all;
  for (const auto& line : read_log(runtime->log_path(b.id), 20)) all += line.text + "\n";
  CHECK(all.find("mark\n") != std::string::npos);
  CHECK(all.find("sleep 60") != std::string::npos);                    // a's process
  CHECK(all.find("/.berth/init init -- sh -c") != std::string::npos);  // b's init
  CHECK(all.find("init --hold-namespaces") != std::string::npos);      // the task's PID 1

  REQUIRE(runtime->kill(a.id, 9).has_value());
  wait_exit(a.id);
  std::filesystem::remove(mark);
  auto restarted = runtime->restart(a.id);  // in place, into the same namespaces
  INFO((restarted ? "" : restarted.error().message));
  REQUIRE(restarted.has_value());
  for (int i = 0; i < 250 && !std::filesystem::exists(mark); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(std::filesystem::exists(mark));
  REQUIRE(runtime->kill(a.id, 9).has_value());
  wait_exit(a.id);

  REQUIRE(runtime->cleanup_task(setup.task_id, setup.cgroup_path).has_value());
  // The holder is gone: its pid must not be joined again, whoever holds it now.
  auto orphaned = runtime->restart(a.id);
  REQUIRE_FALSE(orphaned.has_value());
  CHECK(orphaned.error().message.find("holder is not running") != std::string::npos);
  REQUIRE(runtime->remove(a.id).has_value());
  REQUIRE(runtime->remove(b.id).has_value());
  CHECK_FALSE(std::filesystem::exists(dir + "/tasks/" + setup.task_id));
  CHECK(runtime->prepared_tasks().empty());
  CHECK_FALSE(runtime->start(join(spec({"true"}))).has_value());  // no holder any more
}

TEST_CASE_METHOD(RuntimeFixture, "runtime: an exec that outlives its bound is killed in the container, not only runc",
                 "[runtime][root][exec]") {
  auto s = spec({"sleep", "60"});
  REQUIRE(runtime->start(s).has_value());
  // runc cannot pass SIGKILL on: killing runc alone would leave these running, re-parented.
  const auto started = std::chrono::steady_clock::now();
  auto busy = runtime->exec(s.id, {"sleep", "1000"}, 1000);
  REQUIRE(busy.has_value());
  CHECK(busy->timed_out);
  CHECK(busy->exit_code == 137);
  // A command that closed its output is bounded too, and what it left in its group goes with it.
  auto closed = runtime->exec(s.id, {"sh", "-c", "exec >&- 2>&-; sleep 1001 & sleep 1002"}, 1000);
  REQUIRE(closed.has_value());
  CHECK(closed->timed_out);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(8));
  const std::string left = processes_in(s.id);
  CHECK(left.find("sleep 1000") == std::string::npos);
  CHECK(left.find("sleep 1001") == std::string::npos);
  CHECK(left.find("sleep 1002") == std::string::npos);
  CHECK(left.find("sleep 60") != std::string::npos);  // the container itself is untouched
}

TEST_CASE_METHOD(RuntimeFixture, "runtime: an exec session's command that ignores SIGHUP ends with the session",
                 "[runtime][root][exec]") {
  auto s = spec({"sleep", "60"});
  REQUIRE(runtime->start(s).has_value());
  for (const bool tty : {false, true}) {
    INFO("tty " << tty);
    const std::string sleeper = tty ? "sleep 1004" : "sleep 1003";
    const auto argv = runc_exec_argv(paths, s.id, {"sh", "-c", "trap '' HUP; echo started; exec " + sleeper}, tty);
    int pair[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
    std::atomic<bool> stop{false};
    int status = -1;
    std::thread server([&] {
      status = serve_exec_session(argv, {.tty = tty, .interactive = false}, pair[0], "", stop);
      ::close(pair[0]);
    });
    // The client leaves once the command runs (its output is read raw: the text is in a frame).
    std::string received;
    char buffer[4096];
    for (ssize_t n; received.find("started") == std::string::npos && (n = ::read(pair[1], buffer, sizeof buffer)) > 0;) {
      received.append(buffer, static_cast<std::size_t>(n));
    }
    ::shutdown(pair[1], SHUT_WR);
    while (::read(pair[1], buffer, sizeof buffer) > 0) {
    }
    server.join();
    ::close(pair[1]);
    CHECK(status == 137);
    CHECK(processes_in(s.id).find(sleeper) == std::string::npos);
  }
}

TEST_CASE("seccomp profile compiles with libseccomp for this architecture", "[runtime]") {
  auto report = check_seccomp_profile(default_seccomp_profile(default_capabilities()));
  REQUIRE(report.has_value());
  CHECK(report->resolved > 250);
}

TEST_CASE_METHOD(RuntimeFixture, "runtime: a start hands its container to the spare shim the start before left", "[runtime][root]") {
  const auto monitor_command_line = [&](const std::string& id) {
    auto pid = read_file(paths.state_root + "/" + id + "/shim.pid");
    REQUIRE(pid.has_value());
    auto command_line = read_file("/proc/" + *pid + "/cmdline");
    REQUIRE(command_line.has_value());
    return *command_line;
  };
  auto first = spec({"sleep", "60"});
  REQUIRE(runtime->start(first).has_value());
  // No spare waited for the first start: its shim was executed with its container's arguments.
  CHECK(monitor_command_line(first.id).find("--id") != std::string::npos);
  // None is made while the caller has not recorded its start: that work would take the CPU from
  // the caller's commit.
  CHECK_FALSE(runtime->has_spare());
  // The next spare is started beside the caller, once it says its start is recorded.
  runtime->prepare_next_starts();
  for (int i = 0; i < 1000 && !runtime->has_spare(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(runtime->has_spare());
  auto second = spec({"sleep", "60"});
  REQUIRE(runtime->start(second).has_value());
  CHECK(monitor_command_line(second.id).find("--spare") != std::string::npos);
  CHECK(runtime->status(second.id).state == ContainerStatus::State::running);
  REQUIRE(runtime->kill(second.id, 9).has_value());
  CHECK(wait_exit(second.id).exit_code == 137);
}

TEST_CASE_METHOD(RuntimeFixture, "runtime: a start takes the root mounted ahead over its image", "[runtime][root]") {
  auto first = spec({"sleep", "60"});
  REQUIRE(runtime->start(first).has_value());
  CHECK_FALSE(runtime->spare_root().has_value());
  // Mounted beside the caller once it says its start is recorded.
  runtime->prepare_next_starts();
  for (int i = 0; i < 1000 && !runtime->spare_root(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto spare = runtime->spare_root();
  REQUIRE(spare.has_value());
  auto second = spec({"sleep", "60"});
  REQUIRE(runtime->start(second).has_value());
  CHECK_FALSE(std::filesystem::exists(*spare));
  // The second container's overlay is the spare's: mountinfo keeps the upperdir it was mounted with.
  const auto line = testing::mount_line(paths.bundle_root + "/" + second.id + "/rootfs");
  REQUIRE(line.has_value());
  CHECK(line->find("upperdir=" + *spare + "/upper") != std::string::npos);
  // It runs on it, and what it writes lands in its own bundle's writable layer.
  CHECK(runtime->status(second.id).state == ContainerStatus::State::running);
  auto touched = runtime->exec(second.id, {"touch", "/made-here"}, 10000);
  REQUIRE(touched.has_value());
  CHECK(touched->exit_code == 0);
  CHECK(std::filesystem::exists(paths.bundle_root + "/" + second.id + "/upper/made-here"));
  for (const auto* id : {&first.id, &second.id}) {
    REQUIRE(runtime->kill(*id, 9).has_value());
    CHECK(wait_exit(*id).exit_code == 137);
  }
}

}  // namespace runtime_test
