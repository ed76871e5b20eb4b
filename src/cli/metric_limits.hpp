// How much the metric store keeps, from the BERTH_METRICS_* keys: series of RESOLUTION-second
// slots reaching RETENTION hours back, at most MAX_SERIES of them, and the memory that bound
// comes to. Pure; thread-safe.
#pragma once

#include <cstddef>

#include "common/config.hpp"
#include "svc/metric_store.hpp"

namespace berth::cli {

// The store's limits: slots = retention / resolution (at least one).
svc::MetricStoreLimits metric_store_limits(const Config& config);

// The most the series can take: max_series × slots × one slot's bytes.
std::size_t metric_series_bytes(const svc::MetricStoreLimits& limits);

}  // namespace berth::cli
