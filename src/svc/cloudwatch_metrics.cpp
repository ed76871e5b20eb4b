#include "svc/cloudwatch_metrics.hpp"

#include <algorithm>

namespace berth::svc {
namespace {

constexpr std::size_t k_list_metrics_page = 500;
constexpr EpochMs k_recently_active_ms = 3LL * 3600 * 1000;  // RecentlyActive PT3H

MetricId metric_id(const model::MetricSpec& metric) {
  return normalized(MetricId{metric.name_space, metric.metric_name, metric.dimensions});
}

bool matches(const MetricId& id, const model::ListMetricsRequest& request) {
  if (request.name_space && id.name_space != *request.name_space) return false;
  if (request.metric_name && id.metric_name != *request.metric_name) return false;
  return std::ranges::all_of(request.dimensions, [&](const model::DimensionFilter& filter) {
    return std::ranges::any_of(id.dimensions, [&](const auto& dimension) {
      return dimension.first == filter.name && (!filter.value || dimension.second == *filter.value);
    });
  });
}

}  // namespace

Result<std::vector<model::StatisticsPoint>> metric_statistics(Context& ctx, const model::MetricSpec& metric,
                                                              EpochMs start, EpochMs end, long long period_seconds,
                                                              const std::string& unit) {
  std::vector<model::StatisticsPoint> out;
  if (!ctx.metrics) return out;
  const EpochMs resolution = ctx.metrics->limits().resolution_ms;
  const EpochMs period_ms = period_seconds * 1000;
  if (period_ms % resolution != 0) {
    const std::string step = resolution % 1000 == 0 ? std::to_string(resolution / 1000) + " seconds"
                                                    : std::to_string(resolution) + " milliseconds";
    return fail(Code::invalid_parameter, "The parameter Period must be a multiple of " + step +
                                             ", the resolution berth keeps metrics at (BERTH_METRICS_RESOLUTION).");
  }
  for (const Datapoint& d : ctx.metrics->statistics(metric_id(metric), start, end, period_ms)) {
    if (!unit.empty() && d.unit != unit) continue;
    out.push_back({d.timestamp, d.sample_count, d.sum, d.minimum, d.maximum, d.unit});
  }
  return out;
}

// How many periods of `period_seconds` the range [start, end) spans (what a reply could hold).
long long periods_in(EpochMs start, EpochMs end, long long period_seconds) {
  const long long period_ms = period_seconds * 1000;
  return end <= start ? 0 : (end - start) / period_ms + ((end - start) % period_ms != 0 ? 1 : 0);
}

Result<model::GetMetricStatisticsReply> get_metric_statistics(Context& ctx,
                                                              const model::GetMetricStatisticsRequest& request) {
  const long long periods = periods_in(request.start, request.end, request.period_seconds);
  if (periods > k_max_statistics_datapoints) {
    return fail(Code::client, "You have requested up to " + std::to_string(periods) +
                                  " datapoints, which exceeds the limit of 1,440. You may reduce the datapoints "
                                  "requested by increasing Period, or decreasing the time range.");
  }
  model::GetMetricStatisticsReply reply{request.metric.metric_name, request.statistics, {}};
  BERTH_ASSIGN(reply.datapoints, metric_statistics(ctx, request.metric, request.start, request.end,
                                                   request.period_seconds, request.unit));
  return reply;
}

Result<model::GetMetricDataReply> get_metric_data(Context& ctx, const model::GetMetricDataRequest& request) {
  const long long max = request.max_datapoints.value_or(k_max_metric_data_datapoints);
  long long total = 0;
  model::GetMetricDataReply reply;
  // What the queries could return at most is bounded before any is scanned, so a far-off range
  // costs a refusal, not a walk.
  long long asked = 0;
  for (const auto& query : request.queries) {
    if (query.return_data) asked += std::min(periods_in(request.start, request.end, query.period_seconds), max + 1);
  }
  if (asked > max) {
    return fail(Code::invalid_parameter, "The request asks for up to " + std::to_string(asked) +
                                             " datapoints, more than MaxDatapoints (" + std::to_string(max) +
                                             "); berth returns all at once: narrow the time range or lengthen the period.");
  }
  for (const auto& query : request.queries) {
    BERTH_ASSIGN(auto points, metric_statistics(ctx, query.metric, request.start, request.end, query.period_seconds,
                                                query.unit));
    if (!query.return_data) continue;
    total += static_cast<long long>(points.size());
    if (total > max) {
      return fail(Code::invalid_parameter, "The request asks for more than MaxDatapoints (" + std::to_string(max) +
                                               ") datapoints; berth returns all at once: narrow the time range or "
                                               "lengthen the period.");
    }
    if (!request.ascending) std::ranges::reverse(points);
    model::MetricDataResult result{query.id, query.label.empty() ? query.metric.metric_name : query.label, {}, {}};
    for (const auto& p : points) {
      result.timestamps.push_back(p.timestamp);
      result.values.push_back(model::statistic_value(p, query.stat));
    }
    reply.results.push_back(std::move(result));
  }
  return reply;
}

Result<model::ListMetricsReply> list_metrics(Context& ctx, const model::ListMetricsRequest& request) {
  model::ListMetricsReply reply;
  if (!ctx.metrics) return reply;
  const EpochMs now = ctx.clock.now_ms();
  const EpochMs resolution = ctx.metrics->limits().resolution_ms;
  std::size_t seen = 0;
  for (const MetricId& id : ctx.metrics->metrics()) {
    if (!matches(id, request)) continue;
    if (request.recently_active) {
      // One period covering the last three hours, on slot boundaries.
      const EpochMs period = (k_recently_active_ms / resolution + 1) * resolution;
      if (ctx.metrics->statistics(id, now - k_recently_active_ms, now + 1, period).empty()) continue;
    }
    if (seen++ < request.skip) continue;
    if (reply.metrics.size() == k_list_metrics_page) {
      reply.next_skip = request.skip + k_list_metrics_page;
      break;
    }
    reply.metrics.push_back({id.name_space, id.metric_name, id.dimensions});
  }
  return reply;
}

}  // namespace berth::svc
