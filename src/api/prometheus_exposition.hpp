// What GET /metrics answers: the metric store's readings in Prometheus' text exposition format
// 0.0.4 — one family per container measure (labels cluster, service, task_definition_family,
// task, container), each derived CloudWatch series' newest value as a gauge, and the store's own
// size. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "svc/metric_store.hpp"

namespace berth::api {

inline constexpr std::string_view k_prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

// A derived series' newest value (the average of its newest period).
struct DerivedValue {
  svc::MetricId id;
  double value = 0;
  std::string unit;  // CloudWatch's: "Percent", "Count", "Bytes", ...
};

// Everything one scrape shows, read from the store at once.
struct MetricsSnapshot {
  std::vector<svc::ContainerReadings> containers;
  std::vector<DerivedValue> derived;
  std::size_t series_bytes = 0;
  std::size_t dropped_values = 0;
};

// Returns `snapshot` in the text exposition format: each family's HELP and TYPE lines, then its
// samples; container families in a fixed order (samples in the snapshot's order), then the
// derived families ordered by name (samples by labels), then the store's own size (always there).
// Container and derived families without samples are left out. Label values and HELP texts are escaped as the format says.
std::string prometheus_exposition(const MetricsSnapshot& snapshot);

// Returns the Prometheus family name of a derived series: "berth_" + the namespace's last part
// + the metric name, in snake case, + the unit ("AWS/ECS", "CPUUtilization", "Percent" ->
// "berth_ecs_cpu_utilization_percent"); characters a name cannot hold become '_'.
std::string derived_family_name(const svc::MetricId& id, std::string_view unit);
// Returns the label name of a dimension: snake case without a trailing "Name" ("ClusterName" ->
// "cluster", "TaskDefinitionFamily" -> "task_definition_family").
std::string dimension_label(std::string_view dimension);
// Returns `value` escaped for a label value (backslash, double quote, line feed).
std::string escape_label_value(std::string_view value);

}  // namespace berth::api
