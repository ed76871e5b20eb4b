// CloudWatch Logs use cases: requests are shape-checked by the API (model/logs_shapes); names and
// values are checked here with CloudWatch's messages.
#include "svc/cloudwatch_logs.hpp"

#include <algorithm>
#include <cstdio>

#include "common/numbers.hpp"
#include "common/split.hpp"
#include "model/log_configuration.hpp"
#include "model/log_filter_pattern.hpp"
#include "model/logs_shapes.hpp"
#include "model/paging.hpp"

namespace berth::svc {
namespace {

constexpr EpochMs k_day_ms = 86'400'000;

Result<store::LogStore*> logs_of(Context& ctx) {
  if (!ctx.log_store) return fail(Code::server, "this berth keeps no CloudWatch Logs store");
  return ctx.log_store;
}

// logGroupName, or logGroupIdentifier (a name or a log group ARN, with or without ":*").
Result<std::string> group_name(const Context& ctx, const Json& request) {
  std::string name = request.value("logGroupName", "");
  const std::string identifier = request.value("logGroupIdentifier", "");
  if (!name.empty() && !identifier.empty()) {
    return fail(Code::invalid_parameter, "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (name.empty()) name = identifier;
  const std::string arn_prefix = model::log_group_arn(ctx.arns, "");
  if (name.starts_with("arn:")) {
    if (!name.starts_with(arn_prefix)) return fail(Code::resource_not_found, "The specified log group does not exist.");
    name = name.substr(arn_prefix.size());
    if (name.ends_with(":*")) name.resize(name.size() - 2);
  }
  if (name.empty()) return fail(Code::invalid_parameter, "Either logGroupName or logGroupIdentifier must be given.");
  BERTH_TRY(model::check_log_group_name(name));
  return name;
}

std::string position_token(char direction, const store::LogPosition& position) {
  return std::string(1, direction) + "/" + std::to_string(position.seq) + "/" + std::to_string(position.offset);
}

// A token of ours: "<direction>/<seq>/<offset>" ("" direction for FilterLogEvents' "<seq>/<offset>").
Result<store::LogPosition> parse_position(std::string_view token) {
  const auto parts = split(token, '/');
  const auto seq = parts.size() == 2 ? parse_integer<std::uint64_t>(parts[0]) : std::nullopt;
  const auto offset = parts.size() == 2 ? parse_integer<std::uint64_t>(parts[1]) : std::nullopt;
  if (!seq || !offset) return fail(Code::invalid_parameter, "The specified nextToken is invalid.");
  return store::LogPosition{*seq, *offset};
}

std::optional<EpochMs> time_member(const Json& request, const char* member) {
  if (!request.contains(member)) return std::nullopt;
  return request[member].get<EpochMs>();
}

std::string event_id(const store::LogPosition& position) {
  // CloudWatch's ids are long digit strings; ours are the event's place, unique within the group.
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%020llu%020llu", static_cast<unsigned long long>(position.seq),
                static_cast<unsigned long long>(position.offset));
  return buffer;
}

}  // namespace

Result<Json> create_log_group(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  const std::string name = request["logGroupName"];
  BERTH_TRY(model::check_log_group_name(name));
  if (request.contains("kmsKeyId")) {
    return fail(Code::invalid_parameter, "kmsKeyId is not supported: berth keeps logs on the gateway unencrypted.");
  }
  BERTH_TRY(logs->create_group(name));
  return Json::object();
}

Result<Json> describe_log_groups(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  if (request.contains("logGroupNamePrefix") && request.contains("logGroupNamePattern")) {
    return fail(Code::invalid_parameter, "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  BERTH_ASSIGN(auto page, model::read_page_request(request, 50, "logGroups", "limit", "nextToken"));
  const std::string pattern = request.value("logGroupNamePattern", "");
  Json groups = Json::array();
  bool more = false;
  std::string last;
  for (const auto& group : logs->groups(request.value("logGroupNamePrefix", ""))) {
    if (!page.after.empty() && group.name <= page.after) continue;
    if (!pattern.empty() && group.name.find(pattern) == std::string::npos) continue;
    if (groups.size() == page.limit) {
      more = true;
      break;
    }
    Json item{{"logGroupName", group.name},
              {"creationTime", group.created},
              {"metricFilterCount", 0},
              {"arn", model::log_group_arn(ctx.arns, group.name) + ":*"},
              {"logGroupArn", model::log_group_arn(ctx.arns, group.name)},
              {"storedBytes", group.stored_bytes},
              {"logGroupClass", "STANDARD"}};
    if (group.retention_days) item["retentionInDays"] = *group.retention_days;
    groups.push_back(std::move(item));
    last = group.name;
  }
  Json out{{"logGroups", std::move(groups)}};
  set_next_token(out, more, "logGroups", last);
  return out;
}

Result<Json> delete_log_group(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  BERTH_TRY(logs->delete_group(request["logGroupName"].get<std::string>()));
  return Json::object();
}

Result<Json> put_retention_policy(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  const long long days = request["retentionInDays"].get<long long>();
  if (!model::is_log_retention_days(days)) {
    return fail(Code::invalid_parameter, "1 validation error detected: Value '" + std::to_string(days) +
                                             "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy "
                                             "enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, "
                                             "731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
  }
  BERTH_TRY(logs->put_retention(request["logGroupName"].get<std::string>(), static_cast<int>(days)));
  return Json::object();
}

Result<Json> delete_retention_policy(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  BERTH_TRY(logs->put_retention(request["logGroupName"].get<std::string>(), std::nullopt));
  return Json::object();
}

Result<Json> create_log_stream(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  const std::string stream = request["logStreamName"];
  BERTH_TRY(model::check_log_stream_name(stream));
  BERTH_TRY(logs->create_stream(request["logGroupName"].get<std::string>(), stream));
  return Json::object();
}

Result<Json> describe_log_streams(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  BERTH_ASSIGN(const std::string group, group_name(ctx, request));
  const bool by_time = request.value("orderBy", "LogStreamName") == "LastEventTime";
  const std::string prefix = request.value("logStreamNamePrefix", "");
  if (by_time && !prefix.empty()) {
    return fail(Code::invalid_parameter, "Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  BERTH_ASSIGN(auto page, model::read_page_request(request, 50, "logStreams", "limit", "nextToken"));
  BERTH_ASSIGN(auto streams, logs->streams(group));
  // Each stream's key in the requested order; the page token is the last key returned.
  std::vector<std::pair<std::string, const store::LogStreamInfo*>> keyed;
  for (const auto& stream : streams) {
    if (!stream.name.starts_with(prefix)) continue;
    char time[24];
    std::snprintf(time, sizeof time, "%020lld", static_cast<long long>(stream.last_event.value_or(0)));
    keyed.emplace_back(by_time ? std::string(time) + "/" + stream.name : stream.name, &stream);
  }
  std::ranges::sort(keyed, {}, &decltype(keyed)::value_type::first);
  if (request.value("descending", false)) std::ranges::reverse(keyed);
  const bool descending = request.value("descending", false);
  Json items = Json::array();
  bool more = false;
  std::string last;
  for (const auto& [key, stream] : keyed) {
    if (!page.after.empty() && (descending ? key >= page.after : key <= page.after)) continue;
    if (items.size() == page.limit) {
      more = true;
      break;
    }
    Json item{{"logStreamName", stream->name},
              {"creationTime", stream->created},
              {"arn", model::log_group_arn(ctx.arns, group) + ":log-stream:" + stream->name},
              {"storedBytes", stream->stored_bytes}};
    if (stream->first_event) item["firstEventTimestamp"] = *stream->first_event;
    if (stream->last_event) item["lastEventTimestamp"] = *stream->last_event;
    if (stream->last_ingestion) item["lastIngestionTime"] = *stream->last_ingestion;
    items.push_back(std::move(item));
    last = key;
  }
  Json out{{"logStreams", std::move(items)}};
  set_next_token(out, more, "logStreams", last);
  return out;
}

Result<Json> get_log_events(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  BERTH_ASSIGN(const std::string group, group_name(ctx, request));
  store::StreamEventsQuery query;
  query.start = time_member(request, "startTime");
  query.end = time_member(request, "endTime");
  query.from_head = request.value("startFromHead", false);
  query.limit = request.value("limit", std::size_t{10000});
  if (request.contains("nextToken")) {
    const std::string token = request["nextToken"];
    if (token.size() < 2 || (token[0] != 'f' && token[0] != 'b') || token[1] != '/') {
      return fail(Code::invalid_parameter, "The specified nextToken is invalid.");
    }
    BERTH_ASSIGN(const auto position, parse_position(std::string_view(token).substr(2)));
    (token[0] == 'f' ? query.from : query.before) = position;
  }
  BERTH_ASSIGN(const auto page, logs->stream_events(group, request["logStreamName"].get<std::string>(), query));
  Json events = Json::array();
  for (const auto& event : page.events) {
    events.push_back({{"timestamp", event.timestamp}, {"message", event.message}, {"ingestionTime", event.ingestion}});
  }
  return Json{{"events", std::move(events)},
              {"nextForwardToken", position_token('f', page.forward)},
              {"nextBackwardToken", position_token('b', page.backward)}};
}

Result<Json> filter_log_events(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  BERTH_ASSIGN(const std::string group, group_name(ctx, request));
  if (request.contains("logStreamNames") && request.contains("logStreamNamePrefix")) {
    return fail(Code::invalid_parameter, "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  BERTH_ASSIGN(auto pattern, model::FilterPattern::parse(request.value("filterPattern", "")));
  store::FilterQuery query;
  query.streams = strings_of(request.value("logStreamNames", Json::array()));
  query.stream_prefix = request.value("logStreamNamePrefix", "");
  query.start = time_member(request, "startTime");
  query.end = time_member(request, "endTime");
  query.limit = request.value("limit", std::size_t{10000});
  if (request.contains("nextToken")) {
    BERTH_ASSIGN(query.from, parse_position(request["nextToken"].get<std::string>()));
  }
  query.match = [&pattern](std::string_view message) { return pattern.matches(message); };
  BERTH_ASSIGN(const auto page, logs->filter_events(group, query));
  Json events = Json::array();
  for (const auto& event : page.events) {
    events.push_back({{"logStreamName", event.stream},
                      {"timestamp", event.timestamp},
                      {"message", event.message},
                      {"ingestionTime", event.ingestion},
                      {"eventId", event_id(event.position)}});
  }
  Json out{{"events", std::move(events)}, {"searchedLogStreams", Json::array()}};
  if (page.next) out["nextToken"] = std::to_string(page.next->seq) + "/" + std::to_string(page.next->offset);
  return out;
}

Result<Json> put_log_events(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto* logs, logs_of(ctx));
  const std::string group = request["logGroupName"];
  const std::string stream = request["logStreamName"];
  const Json& input = request["logEvents"];
  if (input.empty() || input.size() > k_max_put_log_events) {
    return fail(Code::invalid_parameter, "logEvents must hold 1 to 10000 events.");
  }
  std::vector<store::LogEvent> events;
  std::size_t bytes = 0;
  for (const auto& event : input) {
    std::string message = event["message"];
    if (message.empty()) return fail(Code::invalid_parameter, "Log event messages must not be empty.");
    if (message.size() + k_put_log_event_overhead > store::k_max_log_message) {
      return fail(Code::invalid_parameter, "Log event too large: " + std::to_string(message.size()) + " bytes exceeds the limit of " +
                                               std::to_string(store::k_max_log_message - k_put_log_event_overhead) + ".");
    }
    bytes += message.size() + k_put_log_event_overhead;
    events.push_back({event["timestamp"].get<EpochMs>(), std::move(message), 0});
  }
  if (bytes > k_max_put_log_bytes) {
    return fail(Code::invalid_parameter, "Upload too large: " + std::to_string(bytes) + " bytes exceeds the 1048576 bytes limit.");
  }
  std::ranges::stable_sort(events, {}, &store::LogEvent::timestamp);
  if (events.back().timestamp - events.front().timestamp > k_day_ms) {
    return fail(Code::invalid_parameter, "Log events in a single PutLogEvents request cannot span more than 24 hours.");
  }
  // As CloudWatch: events older than 14 days (or than the group's retention) or more than 2 hours
  // ahead are not stored, and the reply says which.
  const EpochMs now = ctx.clock.now_ms();
  EpochMs oldest = now - 14 * k_day_ms;
  const auto groups = logs->groups(group);
  const auto it = std::ranges::find(groups, group, &store::LogGroupInfo::name);
  if (it == groups.end()) return fail(Code::resource_not_found, "The specified log group does not exist.");
  const bool retention_binds = it->retention_days && now - *it->retention_days * k_day_ms > oldest;
  if (retention_binds) oldest = now - *it->retention_days * k_day_ms;
  std::size_t first = 0, end = events.size();
  while (first < end && events[first].timestamp < oldest) ++first;
  while (end > first && events[end - 1].timestamp > now + 2 * 3'600'000) --end;
  Json out{{"nextSequenceToken", std::to_string(now)}};
  if (first > 0 || end < events.size()) {
    Json rejected = Json::object();
    if (first > 0) rejected[retention_binds ? "expiredLogEventEndIndex" : "tooOldLogEventEndIndex"] = first;
    if (end < events.size()) rejected["tooNewLogEventStartIndex"] = end;
    out["rejectedLogEventsInfo"] = std::move(rejected);
  }
  const std::span<const store::LogEvent> kept(events.data() + first, end - first);
  // With every event rejected this still answers ResourceNotFoundException for a missing stream.
  BERTH_TRY(logs->append(group, stream, kept, store::Flush::now, store::MissingStream::refuse));
  return out;
}

}  // namespace berth::svc
