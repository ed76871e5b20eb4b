#include "cli/metric_limits.hpp"

#include <algorithm>

namespace berth::cli {

svc::MetricStoreLimits metric_store_limits(const Config& config) {
  svc::MetricStoreLimits limits;
  limits.resolution_ms = EpochMs{config.metrics_resolution_seconds} * 1000;
  const long long retention_seconds = 3600LL * config.metrics_retention_hours;
  limits.slots = static_cast<std::size_t>(std::max(1LL, retention_seconds / config.metrics_resolution_seconds));
  limits.max_series = static_cast<std::size_t>(config.metrics_max_series);
  return limits;
}

std::size_t metric_series_bytes(const svc::MetricStoreLimits& limits) {
  return limits.max_series * limits.slots * svc::MetricStore::slot_bytes();
}

}  // namespace berth::cli
