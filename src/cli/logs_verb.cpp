// `berth logs TASK [CONTAINER] [--follow]`: a task's container output, through the API on the
// daemon's unix socket or --endpoint's TCP (GET /v1/tasks/ID/logs, signed for "berth").
#include <chrono>
#include <iostream>
#include <thread>

#include "api/local_client.hpp"
#include "cli/json_fields.hpp"
#include "cli/resource_lookup.hpp"
#include "cli/usage.hpp"
#include "model/schema.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

// Go's url.QueryEscape, which Docker applies to each attr's key and value.
std::string query_escape(const std::string& text) {
  const std::string encoded = api::url_encode(text);  // RFC 3986's unreserved kept, as Go's
  std::string out;
  for (std::size_t at = 0; at < encoded.size(); ++at) {
    const bool space = encoded.compare(at, 3, "%20") == 0;
    out += space ? '+' : encoded[at];
    if (space) at += 2;
  }
  return out;
}

// `docker logs --details`' prefix: the event's attrs sorted by key, "k=v" joined by ',', then a
// space (a space alone without attrs, as Docker).
std::string details_prefix(const model::Json& event) {
  std::string out;
  if (event.is_object() && event.contains("attrs") && event["attrs"].is_object()) {
    for (const auto& [key, value] : event["attrs"].items()) {  // nlohmann's object: sorted keys
      if (!value.is_string()) continue;
      out += (out.empty() ? "" : ",") + query_escape(key) + "=" + query_escape(value.get<std::string>());
    }
  }
  return out + " ";
}

}  // namespace

int logs_verb(const Words& words) {
  auto flags = config_flags();
  flags.merge(endpoint_flags());
  auto args = parse_args(words, flags, {"follow", "timestamps", "details"});
  if (!args) return usage_error(args.error().message, "logs");
  if (args->help) {
    std::cout << verb_usage("logs");
    return 0;
  }
  if (args->positional.empty() || args->positional.size() > 2) return usage_error("logs takes TASK [CONTAINER]", "logs");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "logs");
  const auto connection = connect_verb(*args, *config, "logs");
  if (!connection) return connection.error();
  // Stopped tasks keep their logs: a prefix may name one.
  const auto task = task_reference(EcsClient(*config, *connection), args->positional[0], EcsClient::Stopped::include);
  if (!task) return report_failure(task.error());
  const bool follow = args->flags.contains("follow");
  const bool timestamps = args->flags.contains("timestamps");
  const bool details = args->flags.contains("details");
  const std::string container = args->positional.size() == 2 ? args->positional[1] : "";
  std::size_t since = 0;
  std::string cursor;  // a joined gateway's task: where its agent reads on (the reply says)
  bool told_unkept = false;
  while (true) {
    const std::string path = "/v1/tasks/" + api::url_encode(*task) + "/logs?since=" +
                             std::to_string(since) + "&container=" + api::url_encode(container) +
                             "&cluster=" + api::url_encode(config->cluster) +
                             (cursor.empty() ? "" : "&cursor=" + api::url_encode(cursor));
    const auto reply = connection->get(path, "berth");
    if (!reply) {
      std::cerr << "berth: " << reply.error().message << "\n";
      return 1;
    }
    // Read with the typed accessors: over --endpoint the reply is another machine's, and a member
    // of the wrong type must not throw.
    const model::Json& body = *reply;
    // As `docker logs` says of such drivers, once: nothing to read here, and where it went.
    if (!told_unkept && body.is_object() && body.contains("unkeptLogs") && body["unkeptLogs"].is_object()) {
      for (const auto& [name, driver] : body["unkeptLogs"].items()) {
        const std::string d = driver.is_string() ? driver.get<std::string>() : "";
        std::cerr << "berth: container " << name << " logs with the " << d << " driver; "
                  << (d == "none" ? "its output is not kept" : "its output went to the host's " + d + ", not to berth")
                  << "\n";
      }
      told_unkept = true;
    }
    const bool several = container.empty() && array_member(body, "containers").size() > 1;
    for (const auto& e : array_member(body, "events")) {
      auto& out = text_member(e, "stream") == "stderr" ? std::cerr : std::cout;
      if (timestamps) out << text_member(e, "time") << " ";
      if (several) out << text_member(e, "container") << " | ";
      if (details) out << details_prefix(e);
      out << text_member(e, "text") << "\n";
    }
    std::cout.flush();
    const auto next = integer_member(body, "next", -1);
    // A reply that does not move on would be asked again forever.
    if (next < 0 || static_cast<std::uint64_t>(next) < since) {
      std::cerr << "berth: the logs reply has no usable 'next' position\n";
      return 1;
    }
    const bool progressed = static_cast<std::uint64_t>(next) > since;
    since = static_cast<std::size_t>(next);
    cursor = text_member(body, "cursor");
    // A reply is bounded; `more` says the logs go on past it already.
    if (boolean_member(body, "more") && progressed) continue;
    if (!follow || text_member(body, "taskStatus") == "STOPPED") return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace berth::cli
