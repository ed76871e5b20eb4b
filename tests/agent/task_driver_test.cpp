// The agent's driver over a fake runtime and the fake clock: what it sends the runtime and when.
#include <catch2/catch.hpp>
#include <signal.h>

#include <filesystem>

#include "agent/container_spec_builder.hpp"
#include "agent/health_checker.hpp"
#include "agent/image_policy.hpp"
#include "agent/task_driver.hpp"
#include "agent/fake_runtime.hpp"
#include "common/files.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/test_image.hpp"
#include "fixtures/temp_dir.hpp"

namespace task_driver_test {

using namespace berth;
using namespace berth::agent;
using berth::testing::FakeClock;
using berth::testing::FakeRuntime;
using berth::testing::InlineJobQueue;
using berth::testing::TempDir;
using model::Json;

namespace {

const std::string k_task = "0123456789abcdef0123456789abcdef";

// A driver with every part real but the runtime (fake), the clock (fake) and the job queues
// (inline: a pull or health check finishes within the pass that starts it).
struct DriverFixture {
  TempDir tmp;
  FakeClock clock;
  FakeRuntime runtime{clock};
  InlineJobQueue pulls, checks;
  berth::testing::HoldingJobQueue removals;
  std::unique_ptr<runtime::ImageStore> images;
  std::unique_ptr<runtime::ImagePuller> puller;
  std::unique_ptr<ImagePolicy> policy;
  std::unique_ptr<HealthChecker> health;
  SecretResolver resolver;
  std::unique_ptr<TaskDriver> driver;

  // `restart_attempt_period_s`: the gateway's BERTH_RESTART_ATTEMPT_PERIOD_SECONDS, if set.
  explicit DriverFixture(std::optional<int> restart_attempt_period_s = std::nullopt) {
    auto opened = runtime::ImageStore::open(tmp.path + "/images", clock);
    REQUIRE(opened.has_value());
    images = std::move(*opened);
    runtime::RegistryOptions options;
    options.blob_dir = images->blob_dir();
    puller = std::make_unique<runtime::ImagePuller>(*images, options);
    policy = std::make_unique<ImagePolicy>(*images, *puller, pulls, "default", runtime::ImageCleanupPolicy{});
    health = std::make_unique<HealthChecker>(runtime, checks);
    DriverSettings settings;
    settings.data_dir = tmp.path + "/data";
    settings.defaults = {.stop_timeout_s = 30, .start_timeout_s = 180};
    settings.restart_attempt_period_s = restart_attempt_period_s;
    driver = std::make_unique<TaskDriver>(runtime, *policy, *health, clock, settings, resolver, removals);
  }

  // Imports a one-file image named `name` into the store, as `berth image import` would; images
  // of another `content` are other images.
  bool import_image(const std::string& name, const std::string& content = "hi\n") {
    const std::string error = berth::testing::import_test_image(*images, tmp.path, name, content);
    INFO(error);
    return error.empty();
  }

  // Container `name` of the task exits with `code`, `ms` from now.
  void exits_after(EpochMs ms, const std::string& name, int code = 0) {
    clock.advance_ms(ms);
    const std::string rid = runtime_id_of(k_task, name);
    runtime.states[rid] = runtime::ContainerStatus::State::exited;
    runtime.exit_codes[rid] = code;
  }

  // A task of `td` whose containers are all PENDING.
  model::Task pending_task(const Json& td) {
    model::Task task;
    task.id = k_task;
    task.created_at = clock.now_ms();
    for (const auto& def : td["containerDefinitions"]) {
      model::TaskContainer c;
      c.name = def["name"];
      c.image = def["image"];
      task.containers.push_back(c);
    }
    return task;
  }

  // A task of `td` whose containers all run already.
  model::Task running_task(const Json& td) {
    model::Task task;
    task.id = k_task;
    task.last_status = model::TaskStatus::running;
    task.created_at = clock.now_ms();
    for (const auto& def : td["containerDefinitions"]) {
      model::TaskContainer c;
      c.name = def["name"];
      c.image = "busybox";
      c.last_status = model::TaskStatus::running;
      c.started_at = clock.now_ms();
      c.runtime_id = runtime_id_of(k_task, c.name);
      runtime.states[c.runtime_id] = runtime::ContainerStatus::State::running;
      task.containers.push_back(c);
    }
    return task;
  }
};

}  // namespace

TEST_CASE("task driver: a stop sends SIGTERM, then SIGKILL when stopTimeout (else the default) has passed",
          "[agent][driver]") {
  DriverFixture f;
  const bool own_timeout = GENERATE(true, false);  // stopTimeout 12 s, or the default 30 s
  const EpochMs timeout_ms = own_timeout ? 12'000 : 30'000;
  const Json td = own_timeout
                      ? Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main","stopTimeout":12}]})")
                      : Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main"}]})");
  auto task = f.running_task(td);
  const std::string rid = runtime_id_of(k_task, "main");
  task.desired_status = model::TaskStatus::stopped;
  const EpochMs stop_at = f.clock.now_ms();

  f.driver->drive(task, td);
  REQUIRE(f.runtime.signals.size() == 1);
  CHECK(f.runtime.signals[0].id == rid);
  CHECK(f.runtime.signals[0].signal == SIGTERM);
  CHECK(task.last_status == model::TaskStatus::stopping);

  // The container ignores SIGTERM: passes before the timeout send nothing more.
  for (EpochMs waited = 1000; waited < timeout_ms; waited += 1000) {
    f.clock.advance_ms(1000);
    f.driver->drive(task, td);
  }
  f.clock.advance_ms(999);  // 1 ms short of the timeout
  f.driver->drive(task, td);
  CHECK(f.runtime.signals.size() == 1);

  f.clock.advance_ms(1);
  f.driver->drive(task, td);
  REQUIRE(f.runtime.signals.size() == 2);
  CHECK(f.runtime.signals[1].signal == SIGKILL);
  CHECK(f.runtime.signals[1].at - stop_at == timeout_ms);

  f.runtime.states[rid] = runtime::ContainerStatus::State::exited;
  f.runtime.exit_codes[rid] = 137;
  f.driver->drive(task, td);
  CHECK(task.last_status == model::TaskStatus::stopped);
  CHECK(task.containers[0].exit_code == 137);
  CHECK(f.runtime.removed.contains(rid));
  // Once at once, once after the containers' removal (for the cgroup).
  CHECK(f.runtime.cleaned_up == std::vector<std::string>{k_task, k_task});
}

TEST_CASE("task driver: an essential container's exit stops the task's other containers", "[agent][driver]") {
  DriverFixture f;
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main"},{"name":"side"}]})");
  auto task = f.running_task(td);
  f.runtime.states[runtime_id_of(k_task, "main")] = runtime::ContainerStatus::State::exited;
  f.driver->drive(task, td);
  CHECK(task.desired_status == model::TaskStatus::stopped);
  CHECK(task.stop_code == "EssentialContainerExited");
  REQUIRE(f.runtime.signals.size() == 1);
  CHECK(f.runtime.signals[0].id == runtime_id_of(k_task, "side"));
  CHECK(f.runtime.signals[0].signal == SIGTERM);
}

TEST_CASE("task driver: a task whose containers exited is STOPPED with its network released; its containers, "
          "cgroup and files are removed on the removal queue, or at once when the queue is full",
          "[agent][driver]") {
  DriverFixture f;
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main"}]})");
  const std::string rid = runtime_id_of(k_task, "main");
  const std::string etc = f.tmp.path + "/data/bundles/" + k_task + "-etc";
  REQUIRE(make_dirs(etc));
  auto task = f.running_task(td);
  f.removals.hold = true;
  f.exits_after(1000, "main", 3);
  f.driver->drive(task, td);
  CHECK(task.last_status == model::TaskStatus::stopped);
  CHECK(task.containers[0].exit_code == 3);
  // Released before the task is recorded STOPPED: what placement may give another task.
  CHECK(f.runtime.cleaned_up == std::vector<std::string>{k_task});
  // Not yet removed: that waits on the queue.
  CHECK_FALSE(f.runtime.removed.contains(rid));
  CHECK(std::filesystem::exists(etc));
  REQUIRE(f.removals.held.size() == 1);
  f.removals.run_held();
  CHECK(f.runtime.removed.contains(rid));
  // Again for the cgroup, which the containers' cgroups kept busy until then.
  CHECK(f.runtime.cleaned_up == std::vector<std::string>{k_task, k_task});
  CHECK_FALSE(std::filesystem::exists(etc));

  // A full queue: the driver removes them itself, before the task is recorded.
  DriverFixture full;
  full.removals.refuse = true;
  auto other = full.running_task(td);
  full.exits_after(1000, "main");
  full.driver->drive(other, td);
  CHECK(other.last_status == model::TaskStatus::stopped);
  CHECK(full.runtime.removed.contains(rid));
  CHECK(full.runtime.cleaned_up == std::vector<std::string>{k_task, k_task});
}

TEST_CASE("task driver: health checks move a container to HEALTHY, then UNHEALTHY after retries failures",
          "[agent][driver][health]") {
  DriverFixture f;
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main",
    "healthCheck":{"command":["CMD-SHELL","test -f /ready"],"interval":10,"retries":2,"timeout":3}}]})");
  auto task = f.running_task(td);
  task.containers[0].health_status = "UNKNOWN";

  f.driver->drive(task, td);
  CHECK(f.runtime.execs.empty());  // the first check is one interval after the start
  f.clock.advance_ms(10'000);
  f.driver->drive(task, td);  // runs the check (inline); its result is taken on the next pass
  REQUIRE(f.runtime.execs.size() == 1);
  CHECK(f.runtime.execs[0].second == std::vector<std::string>{"/bin/sh", "-c", "test -f /ready"});
  f.driver->drive(task, td);
  CHECK(task.containers[0].health_status == "HEALTHY");
  CHECK(task.health_status == "HEALTHY");

  f.runtime.exec_exit_code = 1;
  f.clock.advance_ms(10'000);
  f.driver->drive(task, td);
  f.driver->drive(task, td);
  CHECK(task.containers[0].health_status == "HEALTHY");  // one failure of 2
  f.clock.advance_ms(10'000);
  f.driver->drive(task, td);
  f.driver->drive(task, td);
  CHECK(task.containers[0].health_status == "UNHEALTHY");
  CHECK(task.health_status == "UNHEALTHY");
}

TEST_CASE("task driver: failures within the health check's startPeriod do not count", "[agent][driver][health]") {
  DriverFixture f;
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main",
    "healthCheck":{"command":["CMD","false"],"interval":5,"retries":1,"startPeriod":12}}]})");
  auto task = f.running_task(td);
  f.runtime.exec_exit_code = 1;
  f.clock.advance_ms(5'000);
  f.driver->drive(task, td);
  f.clock.advance_ms(6'999);  // the result arrives at 11.999 s, within the start period
  f.driver->drive(task, td);
  CHECK(task.containers[0].health_status == "UNKNOWN");
  f.clock.advance_ms(5'000);
  f.driver->drive(task, td);  // the next check runs
  f.driver->drive(task, td);  // its failure is outside the start period
  CHECK(task.containers[0].health_status == "UNHEALTHY");
}

TEST_CASE("task driver: a health check the full queue refuses is run on a later pass", "[agent][driver][health]") {
  DriverFixture f;
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main",
    "healthCheck":{"command":["CMD","true"],"interval":5}}]})");
  auto task = f.running_task(td);
  f.checks.refuse = true;
  f.clock.advance_ms(5'000);
  f.driver->drive(task, td);
  CHECK(f.runtime.execs.empty());
  f.checks.refuse = false;
  f.driver->drive(task, td);
  CHECK(f.runtime.execs.size() == 1);
}

TEST_CASE("task driver: a pull that fails stops the task with CannotPullContainerError", "[agent][driver]") {
  DriverFixture f;
  // Nothing listens on port 1 of loopback: the pull fails at once.
  const std::string image = "127.0.0.1:1/nothing:1";
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main","image":")" + image + R"("}]})");
  model::Task task;
  task.id = k_task;
  task.created_at = f.clock.now_ms();
  model::TaskContainer c;
  c.name = "main";
  c.image = image;
  task.containers.push_back(c);

  f.driver->drive(task, td);  // the pull starts (and, inline, finishes)
  CHECK(task.pull_started_at.has_value());
  CHECK(task.containers[0].last_status == model::TaskStatus::pending);
  f.driver->drive(task, td);  // its failure is taken
  const auto& stopped = task.containers[0];
  CHECK(stopped.last_status == model::TaskStatus::stopped);
  CHECK(stopped.reason.starts_with("CannotPullContainerError: " + image + ": "));
  CHECK(task.stop_code == "TaskFailedToStart");
  CHECK(task.stopped_reason == stopped.reason);
  CHECK(task.last_status == model::TaskStatus::stopped);  // nothing ran: cleaned up in the same pass
  CHECK(f.runtime.started.empty());
}

TEST_CASE("task driver: a bridge task's first container prepares the task, then starts on its namespace",
          "[agent][driver]") {
  DriverFixture f;
  REQUIRE(f.import_image("app:1"));
  const Json td = Json::parse(R"({"networkMode":"bridge","memory":"64","containerDefinitions":[
    {"name":"main","image":"app:1","portMappings":[{"containerPort":80}]},{"name":"side","image":"app:1"}]})");
  auto task = f.pending_task(td);
  task.containers[0].network_bindings = Json::parse(R"([{"hostPort":32768,"containerPort":80,"protocol":"tcp"}])");
  // The placed port was taken on the host since placement: the network holds 32790 instead.
  f.runtime.taken_host_ports = {{32768, 32790}};

  f.driver->drive(task, td);
  REQUIRE(f.runtime.prepared.size() == 1);  // once, before the first container
  const auto& setup = f.runtime.prepared[0];
  CHECK(setup.bridge);
  CHECK(setup.limits.memory_bytes == 64LL << 20);
  REQUIRE(setup.ports.size() == 1);
  CHECK(setup.ports[0].host_port == 32768);
  CHECK(setup.ports[0].dynamic);
  CHECK(task.containers[0].network_bindings[0]["hostPort"] == 32790);  // what the task reports
  CHECK(f.runtime.started == std::vector<std::string>{runtime_id_of(k_task, "main"), runtime_id_of(k_task, "side")});
  CHECK(task.last_status == model::TaskStatus::running);
  CHECK(task.pull_started_at.has_value());  // an imported image is used as is: no pull
  CHECK(task.containers[0].image_digest == f.images->find("app:1")->id);
  CHECK(task.containers[1].network_interfaces[0]["privateIpv4Address"] == "172.31.0.2");
}

TEST_CASE("task driver: a container pinned to a digest runs that image after its tag moved on", "[agent][driver]") {
  DriverFixture f;
  REQUIRE(f.import_image("app:1", "first\n"));
  const std::string first = f.images->find("app:1")->id;
  REQUIRE(f.import_image("app:1", "second\n"));  // the tag now names another image
  const std::string second = f.images->find("app:1")->id;
  REQUIRE(first != second);
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main","image":"app:1"}]})");
  auto pinned = f.pending_task(td);
  pinned.containers[0].pinned_digest = first;  // what the deployment's first task reported
  f.driver->drive(pinned, td);
  CHECK(pinned.last_status == model::TaskStatus::running);
  CHECK(pinned.containers[0].image_digest == first);
  CHECK(f.runtime.started == std::vector<std::string>{runtime_id_of(k_task, "main")});
}

TEST_CASE("image policy: what a container runs and reports, and the images pinned containers keep", "[agent]") {
  DriverFixture f;
  REQUIRE(f.import_image("app:1"));
  const auto image = *f.images->find("app:1");
  const std::string manifest = "sha256:" + std::string(64, 'e');
  model::TaskContainer c;
  c.image = "app:1";
  CHECK(image_to_run(c) == "app:1");
  c.pinned_digest = manifest;
  CHECK(image_to_run(c) == "docker.io/library/app@" + manifest);
  c.pinned_digest = "not a digest";
  CHECK(image_to_run(c) == "app:1");  // never a reference that cannot be parsed
  // Imported: its id. Pulled: the manifest digest of its pin in the same repository.
  CHECK(reported_digest(image, "app:1") == image.id);
  runtime::Image pulled = image;
  pulled.names = {"registry.example/team/app:1", "registry.example/other@sha256:" + std::string(64, 'f'),
                  "registry.example/team/app@" + manifest};
  CHECK(reported_digest(pulled, "registry.example/team/app:1") == manifest);
  CHECK(reported_digest(pulled, "registry.example/team/app@" + manifest) == manifest);
  CHECK(reported_digest(pulled, "Not A Reference") == pulled.id);
  // A container pinned to the image by id keeps it in use after its tag moved on.
  REQUIRE(f.import_image("app:1", "moved\n"));
  model::Task task;
  model::TaskContainer pinned;
  pinned.image = "app:1";
  pinned.pinned_digest = image.id;
  task.containers.push_back(pinned);
  const auto in_use = images_in_use(*f.images, {task});
  CHECK(in_use.contains(image.id));
  CHECK(in_use.contains(f.images->find("app:1")->id));
}

TEST_CASE("task driver: a network that cannot be attached or a container that cannot start stops the task",
          "[agent][driver]") {
  DriverFixture f;
  REQUIRE(f.import_image("app:1"));
  const bool network_fails = GENERATE(true, false);
  const std::string mode = network_fails ? "bridge" : "host";
  const Json td = Json::parse(R"({"networkMode":")" + mode + R"(","containerDefinitions":[{"name":"main","image":"app:1"}]})");
  auto task = f.pending_task(td);
  (network_fails ? f.runtime.network_error : f.runtime.start_error) = "it failed";
  f.driver->drive(task, td);
  CHECK(task.containers[0].reason ==
        (network_fails ? "CannotStartContainerError: bridge network: it failed" : "CannotStartContainerError: it failed"));
  CHECK(f.runtime.started.size() == (network_fails ? 0u : 1u));
  CHECK(task.stopped_reason == task.containers[0].reason);
  CHECK(task.stop_code == "TaskFailedToStart");
  CHECK(task.last_status == model::TaskStatus::stopped);
}

TEST_CASE("task driver: a pull the full queue refuses is started on a later pass", "[agent][driver]") {
  DriverFixture f;
  const std::string image = "127.0.0.1:1/nothing:1";
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main","image":")" + image + R"("}]})");
  auto task = f.pending_task(td);
  f.pulls.refuse = true;
  f.driver->drive(task, td);
  CHECK_FALSE(task.pull_started_at.has_value());
  CHECK(task.containers[0].last_status == model::TaskStatus::pending);
  f.pulls.refuse = false;
  f.driver->drive(task, td);
  CHECK(task.pull_started_at.has_value());
}

namespace {

// A host task of one container `main` whose restartPolicy (period 60 s) is enabled, with `more`
// members for it.
Json restarting_definition(const std::string& more = "") {
  return Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main",
    "restartPolicy":{"enabled":true,"restartAttemptPeriod":60})" + more + "}]}");
}

}  // namespace

TEST_CASE("task driver: a container its restartPolicy restarts runs again in place and its task goes on; "
          "a failed restart stops the task", "[agent][driver][restart]") {
  DriverFixture f;
  const Json td = restarting_definition();
  auto task = f.running_task(td);
  const std::string rid = runtime_id_of(k_task, "main");

  f.exits_after(60'000, "main", 3);
  f.driver->drive(task, td);
  CHECK(f.runtime.restarted == std::vector<std::string>{rid});
  CHECK(f.runtime.started.empty());  // the same container, not a new one
  CHECK(f.runtime.signals.empty());
  CHECK(task.containers[0].last_status == model::TaskStatus::running);
  CHECK(task.containers[0].restarts == 1);
  CHECK(task.containers[0].last_restarted_at == f.clock.now_ms());
  CHECK(task.desired_status == model::TaskStatus::running);
  CHECK(task.last_status == model::TaskStatus::running);
  f.driver->drive(task, td);  // it runs: nothing more happens
  CHECK(f.runtime.restarted.size() == 1);

  f.exits_after(60'000, "main", 3);
  f.runtime.restart_error = "runc run failed";
  f.driver->drive(task, td);
  CHECK(f.runtime.restarted.size() == 2);
  CHECK(task.containers[0].last_status == model::TaskStatus::stopped);
  CHECK(task.containers[0].exit_code == 3);
  CHECK(task.containers[0].reason == "CannotStartContainerError: runc run failed");
  CHECK(task.containers[0].restarts == 1);
  CHECK(task.stop_code == "EssentialContainerExited");
  CHECK(task.last_status == model::TaskStatus::stopped);  // nothing left running: cleaned up in the same pass
  CHECK(f.runtime.removed.contains(rid));
}

TEST_CASE("task driver: the gateway's restart period replaces the definition's", "[agent][driver][restart]") {
  const bool overridden = GENERATE(true, false);
  DriverFixture f(overridden ? std::optional<int>(1) : std::nullopt);
  const Json td = restarting_definition();
  auto task = f.running_task(td);
  f.exits_after(1'000, "main");
  f.driver->drive(task, td);
  CHECK(f.runtime.restarted.size() == (overridden ? 1u : 0u));
  CHECK(task.desired_status == (overridden ? model::TaskStatus::running : model::TaskStatus::stopped));
}

TEST_CASE("task driver: a restarted container's health checks start over, its startPeriod from the restart",
          "[agent][driver][restart][health]") {
  DriverFixture f(0);
  const Json td = restarting_definition(
      R"(,"healthCheck":{"command":["CMD","false"],"interval":5,"retries":1,"startPeriod":12})");
  auto task = f.running_task(td);
  f.exits_after(100'000, "main");  // long past the first run's start period
  f.driver->drive(task, td);
  REQUIRE(f.runtime.restarted.size() == 1);
  f.runtime.exec_exit_code = 1;
  f.driver->drive(task, td);
  CHECK(f.runtime.execs.empty());  // the first check is one interval after the restart
  f.clock.advance_ms(5'000);
  f.driver->drive(task, td);
  f.clock.advance_ms(6'999);  // its failure arrives within the start period since the restart
  f.driver->drive(task, td);
  CHECK(task.containers[0].health_status == "UNKNOWN");
  f.clock.advance_ms(5'000);
  f.driver->drive(task, td);
  f.driver->drive(task, td);
  CHECK(task.containers[0].health_status == "UNHEALTHY");
}

TEST_CASE("task driver: a malformed environment file stops the task before any pull", "[agent][driver][envfiles]") {
  DriverFixture f;
  REQUIRE(f.import_image("app:1"));
  const std::string env_file = f.tmp.path + "/plant.env";
  REQUIRE(write_file(env_file, "GOOD=1\n# fine\nnot-a-variable\n").has_value());
  const Json td = Json{{"networkMode", "host"},
                       {"containerDefinitions", {{{"name", "main"}, {"image", "app:1"}},
                                                 {{"name", "side"}, {"image", "app:1"},
                                                  {"environmentFiles", {{{"value", env_file}, {"type", "s3"}}}}}}}};
  auto task = f.pending_task(td);
  f.driver->drive(task, td);
  CHECK(task.last_status == model::TaskStatus::stopped);
  CHECK(task.stop_code == "TaskFailedToStart");
  CHECK(task.stopped_reason == "ResourceInitializationError: failed to download env files: " + env_file +
                                   ":3: not a NAME=VALUE line");
  CHECK_FALSE(task.pull_started_at.has_value());
  CHECK(f.runtime.started.empty());

  REQUIRE(write_file(env_file, "GOOD=1\n").has_value());
  auto fixed = f.pending_task(td);
  fixed.id = "fedcba9876543210fedcba9876543210";
  f.driver->drive(fixed, td);
  CHECK(fixed.last_status == model::TaskStatus::running);
  CHECK(f.runtime.started.size() == 2);
}

}  // namespace task_driver_test
