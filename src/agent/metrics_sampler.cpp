#include "agent/metrics_sampler.hpp"

#include <pthread.h>

#include <chrono>
#include <set>

#include "common/log.hpp"
#include "model/units.hpp"

namespace berth::agent {
namespace {

using model::Json;

// A container definition with its task's containerOverride (cpu, memory, memoryReservation) on
// top, as the container was started.
Json effective_container(const Json& definition, const Json& overrides) {
  Json effective = definition;
  for (const auto& o : overrides.value("containerOverrides", Json::array())) {
    if (!o.is_object() || Json(o.value("name", "")) != definition["name"]) continue;
    for (const char* key : {"cpu", "memory", "memoryReservation"}) {
      if (o.contains(key)) effective[key] = o[key];
    }
  }
  return effective;
}

long long number_member(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

// Task-level cpu or memory (normalised strings on the way in), the override's first; 0 = none.
long long task_level(const Json& td, const Json& overrides, const char* key) {
  const auto pick = [&](const Json& j) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
  const std::string from_override = pick(overrides);
  return model::task_units_of(from_override.empty() ? pick(td) : from_override).value_or(0);
}

}  // namespace

MetricsSampler::MetricsSampler(store::Store& store, runtime::Runtime& runtime, const Clock& clock,
                               SamplerConfig config, SampleSink sink, HostCpuReader read_host_cpu)
    : m_store(store),
      m_runtime(runtime),
      m_clock(clock),
      m_config(std::move(config)),
      m_sink(std::move(sink)),
      m_read_host_cpu(std::move(read_host_cpu)) {}

MetricsSampler::~MetricsSampler() { stop(); }

void MetricsSampler::start(const std::string& instance_id) {
  if (m_config.interval_seconds <= 0) {
    log_info("container metrics off (BERTH_METRICS_INTERVAL=0)");
    return;
  }
  m_started = true;
  m_worker.start("metrics sampler", std::chrono::seconds(m_config.interval_seconds),
                 [this, instance_id, named = false]() mutable {
                   // Named so `top -H` (and the sampling benchmark) can tell its CPU time apart.
                   if (!named) {
                     (void)::pthread_setname_np(::pthread_self(), "berth-metrics");
                     named = true;
                   }
                   sample_now(instance_id);
                 });
}

void MetricsSampler::stop() { m_worker.stop(); }

void MetricsSampler::sample_now(const std::string& instance_id) {
  store::TaskQuery query;
  query.container_instance = instance_id;
  query.not_stopped = true;
  query.limit = 100000;
  auto tasks = m_store.list_tasks(query);
  if (!tasks) {
    log_error("metrics sampler: cannot read tasks: " + tasks.error().message);
    return;
  }
  runtime::HostCpu host;
  if (auto read = m_read_host_cpu()) {
    host = *read;
  } else {
    log_debug("metrics sampler: no host CPU time: " + read.error().message);
  }
  const EpochMs now = m_clock.now_ms();
  const std::string instance_arn = m_config.arns.container_instance(m_config.cluster, instance_id);
  std::vector<model::ContainerSample> samples;
  std::set<std::string> definitions_in_use;
  for (const auto& task : *tasks) {
    const Json* td = task_definition_of(task);
    if (!td) continue;
    definitions_in_use.insert(task.family + ":" + std::to_string(task.revision));
    const auto definitions = td->find("containerDefinitions");
    if (definitions == td->end() || !definitions->is_array()) continue;
    for (const auto& container : task.containers) {
      if (container.last_status != model::TaskStatus::running || container.runtime_id.empty()) continue;
      auto stats = m_runtime.container_stats(container.runtime_id);
      if (!stats) {
        log_debug("metrics sampler: container " + container.runtime_id + " not read: " + stats.error().message);
        continue;
      }
      model::ContainerSample sample;
      sample.cluster = task.cluster;
      sample.container_instance_arn = instance_arn;
      sample.task_arn = m_config.arns.task(task.cluster, task.id);
      sample.group = task.group;
      sample.task_definition_arn = m_config.arns.task_definition(task.family, task.revision);
      sample.container_name = container.name;
      sample.container_arn = m_config.arns.prefix() + "container/" + task.cluster + "/" + task.id + "/" + container.id;
      sample.runtime_id = container.runtime_id;
      sample.task_cpu_units = task_level(*td, task.overrides, "cpu");
      sample.task_memory_mib = task_level(*td, task.overrides, "memory");
      for (const auto& definition : *definitions) {
        if (!definition.is_object() || Json(definition.value("name", "")) != Json(container.name)) continue;
        const Json effective = effective_container(definition, task.overrides);
        sample.container_cpu_units = number_member(effective, "cpu");
        sample.container_memory_mib = number_member(effective, "memory");
        sample.container_memory_reservation_mib = number_member(effective, "memoryReservation");
      }
      sample.stats = std::move(*stats);
      sample.stats.read_at = now;
      sample.stats.host_cpu_ns = host.total_ns;
      sample.stats.online_cpus = host.online_cpus > 0 ? host.online_cpus : 1;
      samples.push_back(std::move(sample));
    }
  }
  std::erase_if(m_definitions, [&](const auto& entry) { return !definitions_in_use.contains(entry.first); });
  m_sink(std::move(samples), now);
}

const Json* MetricsSampler::task_definition_of(const model::Task& task) {
  const std::string key = task.family + ":" + std::to_string(task.revision);
  if (auto it = m_definitions.find(key); it != m_definitions.end()) return &it->second;
  auto td = m_store.find_task_definition(task.family, task.revision);
  if (!td || !*td) {
    log_debug("metrics sampler: task " + task.id + ": no task definition " + key);
    return nullptr;
  }
  return &m_definitions.emplace(key, (*td)->body).first->second;
}

}  // namespace berth::agent
