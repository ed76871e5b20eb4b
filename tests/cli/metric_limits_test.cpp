#include "cli/metric_limits.hpp"

#include <catch2/catch.hpp>

namespace metric_limits_test {

using namespace berth;
using namespace berth::cli;

TEST_CASE("metric limits: slots are the retention over the resolution", "[cli][metrics]") {
  Config config;
  const auto defaults = metric_store_limits(config);
  CHECK(defaults.resolution_ms == 60'000);
  CHECK(defaults.slots == 1440);  // 24 h at 1 min
  CHECK(defaults.max_series == 128);
  CHECK(metric_series_bytes(defaults) == 128 * 1440 * svc::MetricStore::slot_bytes());

  config.metrics_resolution_seconds = 3600;
  config.metrics_retention_hours = 1;
  config.metrics_max_series = 5;
  const auto one_slot = metric_store_limits(config);
  CHECK(one_slot.resolution_ms == 3'600'000);
  CHECK(one_slot.slots == 1);
  CHECK(one_slot.max_series == 5);

  // A resolution that does not divide the retention keeps the whole slots within it.
  config.metrics_resolution_seconds = 7;
  config.metrics_retention_hours = 1;
  CHECK(metric_store_limits(config).slots == 514);

  config.metrics_resolution_seconds = 1;
  config.metrics_retention_hours = 168;
  config.metrics_max_series = 100000;
  const auto widest = metric_store_limits(config);
  CHECK(widest.slots == 604800);
  CHECK(metric_series_bytes(widest) == std::size_t{100000} * 604800 * svc::MetricStore::slot_bytes());
}

}  // namespace metric_limits_test
