// The CloudWatch Logs use cases (the subset berth serves) over the gateway's log store
// (ctx.log_store): groups, retention, streams, GetLogEvents, FilterLogEvents, PutLogEvents. Without
// a log store (unit tests of other parts, an agent-only berth) they answer ServerException.
// Thread-safe.
#pragma once

#include "svc/context.hpp"

namespace berth::svc {

// PutLogEvents' limits, as CloudWatch's: at most this many events and bytes (each event's
// message plus 26) per call, spanning at most a day, none older than 14 days or newer than 2 h.
inline constexpr std::size_t k_max_put_log_events = 10000;
inline constexpr std::size_t k_max_put_log_bytes = 1'048'576;
inline constexpr std::size_t k_put_log_event_overhead = 26;

Result<Json> create_log_group(Context& ctx, const Json& request);
Result<Json> describe_log_groups(Context& ctx, const Json& request);
Result<Json> delete_log_group(Context& ctx, const Json& request);
Result<Json> put_retention_policy(Context& ctx, const Json& request);
Result<Json> delete_retention_policy(Context& ctx, const Json& request);
Result<Json> create_log_stream(Context& ctx, const Json& request);
Result<Json> describe_log_streams(Context& ctx, const Json& request);
Result<Json> get_log_events(Context& ctx, const Json& request);
Result<Json> filter_log_events(Context& ctx, const Json& request);
Result<Json> put_log_events(Context& ctx, const Json& request);

}  // namespace berth::svc
