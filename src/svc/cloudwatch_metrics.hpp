// CloudWatch's metric reads on the in-memory series (ctx.metrics): GetMetricStatistics,
// GetMetricData, ListMetrics. Periods must be whole multiples of the store's resolution; without
// a metric store every read answers no data. Thread-safe (the store is).
#pragma once

#include <vector>

#include "model/metric_requests.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// CloudWatch's limit on datapoints in one GetMetricStatistics answer.
inline constexpr long long k_max_statistics_datapoints = 1440;
// GetMetricData's default MaxDatapoints.
inline constexpr long long k_max_metric_data_datapoints = 100'800;

[[nodiscard]] Result<model::GetMetricStatisticsReply> get_metric_statistics(
    Context& ctx, const model::GetMetricStatisticsRequest& request);
[[nodiscard]] Result<model::GetMetricDataReply> get_metric_data(Context& ctx, const model::GetMetricDataRequest& request);
[[nodiscard]] Result<model::ListMetricsReply> list_metrics(Context& ctx, const model::ListMetricsRequest& request);

// The statistics of `metric` over [start, end) in periods of `period_seconds` (checked against
// the store's resolution: InvalidParameterValue otherwise), only those of `unit` when one is
// given; oldest first.
[[nodiscard]] Result<std::vector<model::StatisticsPoint>> metric_statistics(Context& ctx, const model::MetricSpec& metric,
                                                                            EpochMs start, EpochMs end,
                                                                            long long period_seconds,
                                                                            const std::string& unit);

}  // namespace berth::svc
