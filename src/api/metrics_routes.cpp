#include "api/metrics_routes.hpp"

#include <algorithm>

#include "api/auth/scrape_token.hpp"
#include "model/container_usage.hpp"

namespace berth::api {
namespace {

constexpr std::string_view k_metrics_path = "/metrics";
// A derived value older than this is not shown: Prometheus itself marks a series stale after 5 min.
constexpr EpochMs k_current_window_ms = 5 * 60'000;

bool is_get(const HttpRequest& request) { return request.method == "GET" || request.method == "HEAD"; }

// Returns the refusal to answer if `caller` may not read metrics.
std::optional<HttpResponse> refusal(ApiServices& api, const Caller& caller, const model::Json& members) {
  const auth::RequestContext context{api.ctx.arns, api.ctx.default_cluster, caller.user_name};
  auto access = auth::requested_access(context, "berth", "GetMetrics", members);
  if (!access) return to_response(error_reply(access.error()));
  if (auto denied = api.auth.authorize(caller, "berth", *access)) return to_response(auth_error_reply(*denied));
  return std::nullopt;
}

HttpResponse exposition_response(ApiServices& api) {
  HttpResponse response;
  response.content_type = std::string(k_prometheus_content_type);
  response.body = prometheus_exposition(metrics_snapshot(api.ctx.metrics, api.ctx.clock.now_ms()));
  return response;
}

std::string query_value(const RequestTarget& target, const std::string& name) {
  const auto it = target.query.find(name);
  return it == target.query.end() ? "" : it->second;
}

}  // namespace

MetricsSnapshot metrics_snapshot(const svc::MetricStore* store, EpochMs now) {
  MetricsSnapshot snapshot;
  if (!store) return snapshot;
  snapshot.containers = store->containers();
  const EpochMs resolution = store->limits().resolution_ms;
  const EpochMs window = std::max(k_current_window_ms, 2 * resolution);
  for (const svc::MetricId& id : store->metrics()) {
    const auto points = store->statistics(id, now - window, now + resolution, resolution);
    if (points.empty() || points.back().sample_count <= 0) continue;
    const svc::Datapoint& newest = points.back();
    snapshot.derived.push_back({id, newest.sum / newest.sample_count, newest.unit});
  }
  snapshot.series_bytes = store->series_bytes();
  snapshot.dropped_values = store->dropped_values();
  return snapshot;
}

HttpResponse prometheus_metrics(ApiServices& api, const Caller& caller) {
  if (auto refused = refusal(api, caller, model::Json::object())) return *refused;
  return exposition_response(api);
}

HttpResponse container_stats(ApiServices& api, const Caller& caller, const RequestTarget& target) {
  const std::string task = query_value(target, "task");
  const std::string cluster = query_value(target, "cluster");
  if (auto refused = refusal(api, caller, model::Json::object())) return *refused;
  std::optional<std::string> cluster_name;
  if (!cluster.empty()) {
    cluster_name = api.ctx.arns.cluster_name_of(cluster);
    if (!cluster_name) return to_response(error_reply({Code::invalid_parameter, "cluster must be a cluster's name or ARN."}));
  }
  std::vector<model::ContainerUsage> usages;
  if (api.ctx.metrics) {
    for (const auto& readings : api.ctx.metrics->containers()) {
      const model::ContainerSample& sample = readings.latest;
      if (cluster_name && sample.cluster != *cluster_name) continue;
      if (!task.empty() && sample.task_arn != task && model::task_id_of(sample.task_arn) != task) continue;
      usages.push_back(model::usage_of(sample, readings.previous));
    }
  }
  return to_response(Reply{200, to_wire(model::to_json(usages)), ""}, "application/json");
}

std::optional<HttpResponse> scrape_with_token(ApiServices& api, const HttpRequest& request, const RequestTarget& target) {
  if (target.path != k_metrics_path || !is_get(request)) return std::nullopt;
  const std::string_view authorization = request.header("authorization");
  if (!auth::is_bearer(authorization)) return std::nullopt;
  if (auth::bearer_matches(authorization, api.metrics_token)) return exposition_response(api);
  Reply reply = auth_error_reply({auth::AuthFailure::unrecognized_client,
                                  "The bearer token is not berth's metrics scrape token (DATA-DIR/metrics.token)."});
  reply.status = 401;
  return to_response(reply);
}

}  // namespace berth::api
