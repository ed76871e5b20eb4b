// The node's metrics sampler: every `interval` it reads, through the Runtime, what each running
// container of the tasks on this container instance has used (CPU, memory, pids, block I/O,
// bridge network), labels each reading with its cluster, instance, task, group, task definition,
// container and the reservations its task definition makes, stamps them with the host's CPU time
// (read once per pass) and hands the batch to a sink (the composition root's: the metric store).
// It only reads the store and the kernel, never writes to disk. One pass at a time on its own
// thread (a PeriodicWorker, so a pass that throws is logged, not fatal); nothing is queued.
// start()/stop() are called from one thread; sample_now() only when not started (tests).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/periodic_worker.hpp"
#include "model/container_stats.hpp"
#include "model/task.hpp"
#include "runtime/linux/cgroup_stats.hpp"
#include "runtime/runtime.hpp"
#include "store/store.hpp"

namespace berth::agent {

// Where a pass's readings go: every running container that could be read, read at `now`.
using SampleSink = std::function<void(std::vector<model::ContainerSample> samples, EpochMs now)>;
// How the host's CPU time is read (runtime::read_host_cpu; tests give their own).
using HostCpuReader = std::function<Result<runtime::HostCpu>()>;

struct SamplerConfig {
  std::string cluster;
  ArnScope arns;
  int interval_seconds = 10;  // BERTH_METRICS_INTERVAL; 0 = no sampling and no thread
};

class MetricsSampler {
 public:
  MetricsSampler(store::Store& store, runtime::Runtime& runtime, const Clock& clock, SamplerConfig config,
                 SampleSink sink, HostCpuReader read_host_cpu = [] { return runtime::read_host_cpu(); });
  ~MetricsSampler();
  MetricsSampler(const MetricsSampler&) = delete;
  MetricsSampler& operator=(const MetricsSampler&) = delete;

  // Starts a pass every interval over the tasks of container instance `instance_id`; with an
  // interval of 0, starts nothing. REQUIRES: not started yet.
  void start(const std::string& instance_id);
  // Finishes the pass under way and joins. Idempotent.
  void stop();
  // True once start() started the thread.
  bool sampling() const { return m_started; }

  // One pass over `instance_id`'s tasks on the caller's thread: what start() runs every interval.
  void sample_now(const std::string& instance_id);

 private:
  // The task definition body of `task`, read once (a registered revision never changes).
  const model::Json* task_definition_of(const model::Task& task);

  store::Store& m_store;
  runtime::Runtime& m_runtime;
  const Clock& m_clock;
  const SamplerConfig m_config;
  const SampleSink m_sink;
  const HostCpuReader m_read_host_cpu;
  // "family:revision" → body, of the tasks of the last pass only (so it stays as small as the
  // node's tasks). Pass thread only.
  std::map<std::string, model::Json> m_definitions;
  bool m_started = false;
  PeriodicWorker m_worker;  // last: stopped before the members its passes use go
};

}  // namespace berth::agent
