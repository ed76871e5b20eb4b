// What berth measured, kept in memory only (flash wear: metrics are never written to disk): the
// latest two readings of every running container, and series of the derived metrics (CloudWatch's
// AWS/ECS and ECS/ContainerInsights), each a ring of fixed-size slots. Memory is bounded by the
// limits: at most max_series × slots × sizeof(slot), allocated as series first get a value.
// Thread-safe: one mutex; readers get copies.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/thread_annotations.hpp"
#include "model/container_stats.hpp"

namespace berth::svc {

// A running container's newest reading and the one before it (Docker's precpu_stats).
struct ContainerReadings {
  model::ContainerSample latest;
  std::optional<model::ContainerStats> previous;
};

// A metric as CloudWatch names it: namespace, name and dimensions (kept sorted by name).
struct MetricId {
  std::string name_space;  // "AWS/ECS", "ECS/ContainerInsights"
  std::string metric_name;
  std::vector<std::pair<std::string, std::string>> dimensions;
  auto operator<=>(const MetricId&) const = default;
};

// Returns `id` with its dimensions sorted by name (how the store keys series).
MetricId normalized(MetricId id);

// One period's statistics of a metric; the average is sum / sample_count.
struct Datapoint {
  EpochMs timestamp = 0;  // the period's start
  double sample_count = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;
  std::string unit;
};

struct MetricStoreLimits {
  EpochMs resolution_ms = 60'000;  // one slot of a series (BERTH_METRICS_RESOLUTION)
  std::size_t slots = 1440;        // how many slots a series keeps: 24 h at 1 min
  std::size_t max_series = 128;    // a value of a further series is dropped (and counted)
};

class MetricStore {
 public:
  explicit MetricStore(MetricStoreLimits limits = {});

  // Takes the readings of every running container of this node: a container already known keeps
  // its newest reading as `previous`; a container absent from `samples` stopped and is forgotten.
  void record_containers(const std::vector<model::ContainerSample>& samples);
  // Adds `value` of metric `id` (unit `unit`, CloudWatch's names: "Percent", "Count", ...) at `at`
  // to the slot that holds `at`. Values older than the ring keeps are dropped. A new series beyond
  // max_series takes the place of one that aged out (a service or family gone) or, for AWS/ECS, of
  // a Container Insights series; otherwise its value is dropped and counted.
  void add(const MetricId& id, EpochMs at, double value, std::string_view unit);

  // Every running container's readings, ordered by task ARN, then container name.
  std::vector<ContainerReadings> containers() const;
  // The readings of the containers of task `task_arn`, ordered by container name.
  std::vector<ContainerReadings> task_containers(std::string_view task_arn) const;
  // The readings of one container, if it runs and was read.
  std::optional<ContainerReadings> container(std::string_view task_arn, std::string_view container_name) const;

  // The statistics of `id` in the periods of `period_ms` (a positive multiple of the resolution)
  // from `start` (rounded down to a slot) to `end` (exclusive), oldest first; periods without a
  // value are left out, as CloudWatch does.
  std::vector<Datapoint> statistics(const MetricId& id, EpochMs start, EpochMs end, EpochMs period_ms) const;
  // Every series that holds a value, ordered.
  std::vector<MetricId> metrics() const;

  const MetricStoreLimits& limits() const { return m_limits; }
  // Bytes the series' rings hold now (the bound is limits().max_series × slots × slot size).
  std::size_t series_bytes() const;
  // Values dropped because max_series was reached.
  std::size_t dropped_values() const;
  // The size of one slot, for the stated bound.
  static std::size_t slot_bytes();

 private:
  struct Slot {
    std::int64_t index = -1;  // at / resolution of the values it holds; -1 = empty
    float sum = 0;
    float minimum = 0;
    float maximum = 0;
    std::uint32_t count = 0;
  };
  struct Series {
    std::string unit;
    std::vector<Slot> ring;    // limits.slots long
    std::int64_t newest = -1;  // the index of its newest value
  };
  // At max_series, the series a value of `id` at slot `index` may replace: one whose values have
  // all aged out of the ring, else, for an AWS/ECS metric (what scaling policies and alarms read),
  // the Container Insights series updated longest ago. None: the value is dropped.
  std::map<MetricId, Series>::iterator evictable(const MetricId& id, std::int64_t index) BERTH_REQUIRES(m_mutex);

  const MetricStoreLimits m_limits;
  mutable Mutex m_mutex;
  std::map<std::string, ContainerReadings> m_containers BERTH_GUARDED_BY(m_mutex);  // by runtime id
  std::map<MetricId, Series> m_series BERTH_GUARDED_BY(m_mutex);
  std::size_t m_dropped BERTH_GUARDED_BY(m_mutex) = 0;
};

}  // namespace berth::svc
