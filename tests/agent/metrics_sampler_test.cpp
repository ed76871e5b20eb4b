#include "agent/metrics_sampler.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "agent/container_spec_builder.hpp"
#include "agent/fake_runtime.hpp"
#include "fixtures/fixtures.hpp"

namespace metrics_sampler_test {

using namespace berth;
using berth::testing::FakeClock;
using berth::testing::FakeRuntime;
using model::Json;

namespace {

const std::string k_instance = "0123456789abcdef0123456789abcdef";
const ArnScope k_arns{"local", "000000000000"};

using MetricsSamplerPtr = std::unique_ptr<agent::MetricsSampler>;

// A store with this node registered and tasks placed on it, a fake runtime whose containers
// report settable readings, and a sampler over both whose sink keeps what it is given.
struct SamplerFixture {
  FakeClock clock;
  FakeRuntime runtime{clock};
  std::unique_ptr<store::Store> store;
  std::vector<std::vector<model::ContainerSample>> batches;
  std::vector<EpochMs> batch_times;
  int host_reads = 0;

  SamplerFixture() {
    auto opened = store::Store::open(":memory:");
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    REQUIRE(store->ensure_cluster("default", clock.now_ms(), "000000000000").has_value());
    REQUIRE_OK(store->update_container_instance(
        "default", k_instance, [](model::ContainerInstance&, store::InstanceOrigin) -> Result<void> { return {}; },
        store::IfMissing::create));
    // Two containers, one with a task-level cpu/memory and a containerOverride in some tasks.
    const Json td = Json::parse(R"({"family":"web","cpu":"512","memory":"1024","containerDefinitions":[
        {"name":"app","image":"busybox","cpu":256,"memory":300,"memoryReservation":200},
        {"name":"side","image":"busybox"}]})");
    REQUIRE_OK(store->register_task_definition("web", td, {}, clock.now_ms()));
  }

  MetricsSamplerPtr make(int interval_seconds = 10);

  // Places a task of web:1 on this node with its containers in `statuses` (app, side).
  model::Task place(const std::string& id, model::TaskStatus app, model::TaskStatus side, Json overrides = Json::object()) {
    model::Task task;
    task.id = id;
    task.cluster = "default";
    task.family = "web";
    task.revision = 1;
    task.container_instance_id = k_instance;
    task.group = "service:front";
    task.last_status = model::TaskStatus::running;
    task.overrides = std::move(overrides);
    task.created_at = clock.now_ms();
    for (const auto& [name, status] : {std::pair{"app", app}, std::pair{"side", side}}) {
      model::TaskContainer c;
      c.name = name;
      c.id = id.substr(0, 8) + "-" + name;
      c.last_status = status;
      if (status != model::TaskStatus::pending) c.runtime_id = agent::runtime_id_of(id, name);
      task.containers.push_back(c);
    }
    REQUIRE(store->insert_tasks({task}, {}).value_or(false));
    return task;
  }

  // Makes the container `runtime_id` run with a reading of `cpu_ns` CPU time.
  void reads(const std::string& runtime_id, std::uint64_t cpu_ns) {
    runtime.states[runtime_id] = runtime::ContainerStatus::State::running;
    model::ContainerStats stats;
    stats.cpu_usage_ns = cpu_ns;
    stats.memory_usage_bytes = 4096;
    runtime.stats[runtime_id] = stats;
  }
};

MetricsSamplerPtr SamplerFixture::make(int interval_seconds) {
  return std::make_unique<agent::MetricsSampler>(
      *store, runtime, clock, agent::SamplerConfig{"default", k_arns, interval_seconds},
      [this](std::vector<model::ContainerSample> samples, EpochMs now) {
        batches.push_back(std::move(samples));
        batch_times.push_back(now);
      },
      [this]() -> Result<runtime::HostCpu> {
        ++host_reads;
        return runtime::HostCpu{123'000'000'000ULL, 4};
      });
}

const std::string k_task_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string k_task_b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

}  // namespace

TEST_CASE_METHOD(SamplerFixture, "metrics sampler: running containers labelled with their task and reservations",
                 "[agent][metrics]") {
  place(k_task_a, model::TaskStatus::running, model::TaskStatus::running);
  place(k_task_b, model::TaskStatus::running, model::TaskStatus::pending,
        Json::parse(R"({"cpu":"1024","containerOverrides":[{"name":"app","cpu":128,"memoryReservation":64}]})"));
  reads(agent::runtime_id_of(k_task_a, "app"), 1000);
  reads(agent::runtime_id_of(k_task_a, "side"), 2000);
  reads(agent::runtime_id_of(k_task_b, "app"), 3000);
  auto sampler = make();
  clock.advance_ms(5000);
  sampler->sample_now(k_instance);

  REQUIRE(batches.size() == 1);
  CHECK(batch_times[0] == clock.now_ms());
  CHECK(host_reads == 1);  // once per pass, not per container
  const auto& samples = batches[0];
  REQUIRE(samples.size() == 3);  // task b's side container has not started
  const auto find = [&](const std::string& task, const std::string& name) -> const model::ContainerSample& {
    for (const auto& s : samples) {
      if (s.task_arn.ends_with(task) && s.container_name == name) return s;
    }
    FAIL("no sample of " << task << "/" << name);
    return samples[0];
  };
  const auto& a_app = find(k_task_a, "app");
  CHECK(a_app.cluster == "default");
  CHECK(a_app.container_instance_arn == "arn:aws:ecs:local:000000000000:container-instance/default/" + k_instance);
  CHECK(a_app.task_arn == "arn:aws:ecs:local:000000000000:task/default/" + k_task_a);
  CHECK(a_app.group == "service:front");
  CHECK(a_app.task_definition_arn == "arn:aws:ecs:local:000000000000:task-definition/web:1");
  CHECK(a_app.container_arn == "arn:aws:ecs:local:000000000000:container/default/" + k_task_a + "/aaaaaaaa-app");
  CHECK(a_app.runtime_id == agent::runtime_id_of(k_task_a, "app"));
  CHECK(a_app.task_cpu_units == 512);
  CHECK(a_app.task_memory_mib == 1024);
  CHECK(a_app.container_cpu_units == 256);
  CHECK(a_app.container_memory_mib == 300);
  CHECK(a_app.container_memory_reservation_mib == 200);
  CHECK(a_app.stats.cpu_usage_ns == 1000);
  CHECK(a_app.stats.memory_usage_bytes == 4096);
  CHECK(a_app.stats.read_at == clock.now_ms());
  CHECK(a_app.stats.host_cpu_ns == 123'000'000'000ULL);
  CHECK(a_app.stats.online_cpus == 4);

  const auto& a_side = find(k_task_a, "side");
  CHECK(a_side.stats.cpu_usage_ns == 2000);
  CHECK(a_side.container_cpu_units == 0);
  CHECK(a_side.container_memory_mib == 0);

  // The task's overrides win over its definition, as the container was started with them.
  const auto& b_app = find(k_task_b, "app");
  CHECK(b_app.task_cpu_units == 1024);
  CHECK(b_app.task_memory_mib == 1024);
  CHECK(b_app.container_cpu_units == 128);
  CHECK(b_app.container_memory_mib == 300);
  CHECK(b_app.container_memory_reservation_mib == 64);
}

TEST_CASE_METHOD(SamplerFixture, "metrics sampler: unreadable, exited and other nodes' containers are skipped",
                 "[agent][metrics]") {
  place(k_task_a, model::TaskStatus::running, model::TaskStatus::stopped);
  // The app container's cgroup cannot be read (the fake has no reading for it), the side one
  // has stopped; neither stops the pass.
  runtime.states[agent::runtime_id_of(k_task_a, "app")] = runtime::ContainerStatus::State::running;
  reads(agent::runtime_id_of(k_task_a, "side"), 2000);
  place(k_task_b, model::TaskStatus::running, model::TaskStatus::running);
  reads(agent::runtime_id_of(k_task_b, "app"), 3000);
  // B's side container is recorded running but its runtime says it is gone.
  auto sampler = make();
  sampler->sample_now(k_instance);
  REQUIRE(batches.size() == 1);
  REQUIRE(batches[0].size() == 1);
  CHECK(batches[0][0].runtime_id == agent::runtime_id_of(k_task_b, "app"));

  // Another instance's view of the same store has no tasks: an empty batch, still handed over
  // (the recorder learns that nothing runs).
  sampler->sample_now("fedcba9876543210fedcba9876543210");
  REQUIRE(batches.size() == 2);
  CHECK(batches[1].empty());

  // A stopped task is not sampled.
  auto task = store->find_task("default", k_task_b);
  REQUIRE(task.has_value());
  REQUIRE(task->has_value());
  model::Task stopped = **task;
  stopped.last_status = model::TaskStatus::stopped;
  stopped.desired_status = model::TaskStatus::stopped;
  REQUIRE(store->replace_task(stopped, stopped.version).value_or(false));
  sampler->sample_now(k_instance);
  REQUIRE(batches.size() == 3);
  CHECK(batches[2].empty());
}

TEST_CASE_METHOD(SamplerFixture, "metrics sampler: a host CPU that cannot be read leaves it at zero", "[agent][metrics]") {
  place(k_task_a, model::TaskStatus::running, model::TaskStatus::pending);
  reads(agent::runtime_id_of(k_task_a, "app"), 1000);
  agent::MetricsSampler sampler(
      *store, runtime, clock, agent::SamplerConfig{"default", k_arns, 10},
      [this](std::vector<model::ContainerSample> samples, EpochMs now) {
        batches.push_back(std::move(samples));
        batch_times.push_back(now);
      },
      []() -> Result<runtime::HostCpu> { return fail(Code::server, "no /proc"); });
  sampler.sample_now(k_instance);
  REQUIRE(batches.size() == 1);
  REQUIRE(batches[0].size() == 1);
  CHECK(batches[0][0].stats.host_cpu_ns == 0);
  CHECK(batches[0][0].stats.online_cpus == 1);
  CHECK(batches[0][0].stats.cpu_usage_ns == 1000);
}

TEST_CASE_METHOD(SamplerFixture, "metrics sampler: interval 0 starts no thread; otherwise passes run on their own",
                 "[agent][metrics]") {
  place(k_task_a, model::TaskStatus::running, model::TaskStatus::pending);
  reads(agent::runtime_id_of(k_task_a, "app"), 1000);
  {
    auto off = make(0);
    off->start(k_instance);
    CHECK_FALSE(off->sampling());
    off->stop();
    CHECK(batches.empty());
  }
  std::atomic<int> passes = 0;
  std::atomic<std::size_t> last_size = 0;
  agent::MetricsSampler sampler(
      *store, runtime, clock, agent::SamplerConfig{"default", k_arns, 1},
      [&](std::vector<model::ContainerSample> samples, EpochMs) {
        last_size = samples.size();
        ++passes;
        // A sink that throws (a bug downstream) must not end the sampling.
        throw std::runtime_error("sink exploded");
      },
      []() -> Result<runtime::HostCpu> { return runtime::HostCpu{1, 1}; });
  sampler.start(k_instance);
  CHECK(sampler.sampling());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (passes < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sampler.stop();
  CHECK(passes >= 2);
  CHECK(last_size == 1);
}

}  // namespace metrics_sampler_test
