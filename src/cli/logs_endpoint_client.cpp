#include "cli/logs_endpoint_client.hpp"

namespace berth::cli {
namespace {

// A reply's unsigned integer member, if it is one (a reply is outside input).
std::optional<std::size_t> index_member(const model::Json& json, const char* name) {
  if (!json.is_object()) return std::nullopt;
  const auto it = json.find(name);
  if (it == json.end() || !it->is_number_unsigned()) return std::nullopt;
  const auto value = it->get<std::uint64_t>();
  return value > SIZE_MAX ? std::nullopt : std::optional<std::size_t>(value);
}

}  // namespace

Code logs_exception_code(std::string_view type) {
  if (type == "ResourceNotFoundException") return Code::resource_not_found;
  if (type == "ResourceAlreadyExistsException") return Code::resource_already_exists;
  if (type == "ThrottlingException" || type == "ServiceUnavailableException") return Code::server;
  if (type == "InvalidParameterException") return Code::invalid_parameter;
  return Code::client;
}

LogsEndpointClient::LogsEndpointClient(std::string url, runtime::HttpOptions tls, api::auth::SigningCredentials credentials,
                                       const Clock& clock)
    : m_client(std::move(url), std::move(tls), clock), m_credentials(std::move(credentials)) {}

// A call waits this long at most: the forwarder's stop (berth's) waits for the call under way.
constexpr int k_call_timeout_s = 10;

Result<model::Json> LogsEndpointClient::call(const std::string& action, const model::Json& body) const {
  return m_client.call("Logs_20140328." + action, body, &m_credentials, "logs", k_call_timeout_s, logs_exception_code);
}

Result<void> LogsEndpointClient::create_group(const std::string& group) {
  BERTH_TRY(call("CreateLogGroup", {{"logGroupName", group}}));
  return {};
}

Result<void> LogsEndpointClient::create_stream(const std::string& group, const std::string& stream) {
  BERTH_TRY(call("CreateLogStream", {{"logGroupName", group}, {"logStreamName", stream}}));
  return {};
}

Result<agent::PutOutcome> LogsEndpointClient::put_events(const std::string& group, const std::string& stream,
                                                         const std::vector<agent::ForwardedEvent>& events) {
  model::Json list = model::Json::array();
  for (const auto& event : events) list.push_back({{"timestamp", event.timestamp}, {"message", event.message}});
  BERTH_ASSIGN(const auto reply,
               call("PutLogEvents", {{"logGroupName", group}, {"logStreamName", stream}, {"logEvents", std::move(list)}}));
  agent::PutOutcome outcome;
  if (reply.is_object() && reply.contains("rejectedLogEventsInfo")) {
    const auto& rejected = reply["rejectedLogEventsInfo"];
    const auto too_old = index_member(rejected, "tooOldLogEventEndIndex"), expired = index_member(rejected, "expiredLogEventEndIndex");
    outcome.too_old_end = std::max(too_old.value_or(0), expired.value_or(0));
    outcome.too_new_start = index_member(rejected, "tooNewLogEventStartIndex").value_or(SIZE_MAX);
  }
  return outcome;
}

Result<std::vector<agent::ForwardedEvent>> LogsEndpointClient::last_events(const std::string& group, const std::string& stream,
                                                                           std::size_t limit) {
  BERTH_ASSIGN(const auto reply, call("GetLogEvents", {{"logGroupName", group},
                                                       {"logStreamName", stream},
                                                       {"startFromHead", false},
                                                       {"limit", limit}}));
  std::vector<agent::ForwardedEvent> out;
  const auto events = reply.is_object() ? reply.find("events") : reply.end();
  if (events == reply.end() || !events->is_array()) return fail(Code::server, "GetLogEvents: the reply has no events");
  for (const auto& event : *events) {
    const auto timestamp = event.is_object() ? event.find("timestamp") : event.end();
    const auto message = event.is_object() ? event.find("message") : event.end();
    if (timestamp == event.end() || !timestamp->is_number_integer() || message == event.end() || !message->is_string()) {
      return fail(Code::server, "GetLogEvents: an event of the reply has no timestamp or message");
    }
    out.push_back({timestamp->get<EpochMs>(), message->get<std::string>()});
  }
  return out;
}

}  // namespace berth::cli
