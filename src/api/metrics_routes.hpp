// The metrics routes: GET /metrics (Prometheus' text exposition, api/prometheus_exposition.hpp)
// and GET /v1/stats[?task=&cluster=] (the running containers' usage for `berth stats`, JSON of
// model/container_usage.hpp), both read from svc::Context::metrics and authorized as
// "berth:GetMetrics" on "*". GET /metrics also takes the scrape token (api/auth/scrape_token.hpp)
// in place of a signature. Thread-safe.
#pragma once

#include <optional>

#include "api/http_routes.hpp"
#include "api/prometheus_exposition.hpp"

namespace berth::api {

// Returns what `store` holds at `now` for one scrape: every container's readings, each derived
// series' newest value (the average of its newest slot, if that slot is at most five minutes or
// two slots old: an older value is no longer current) and the store's size. An empty snapshot
// when there is no store.
MetricsSnapshot metrics_snapshot(const svc::MetricStore* store, EpochMs now);

// The answer to GET /metrics for an authenticated `caller`.
HttpResponse prometheus_metrics(ApiServices& api, const Caller& caller);
// The answer to GET /v1/stats: the usage of the running containers, of one task (its id or ARN)
// when `task` is given, of one cluster (its name or ARN) when `cluster` is.
HttpResponse container_stats(ApiServices& api, const Caller& caller, const RequestTarget& target);

// For GET /metrics with a Bearer Authorization header: the metrics if it carries the scrape
// token, 401 UnrecognizedClientException if not. Nothing for any other request, which is
// authenticated as usual (a bearer token counts nowhere else).
std::optional<HttpResponse> scrape_with_token(ApiServices& api, const HttpRequest& request, const RequestTarget& target);

}  // namespace berth::api
