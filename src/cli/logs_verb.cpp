// `berth logs TASK [CONTAINER] [--follow]`: a task's container output, through the API on the
// daemon's unix socket or --endpoint's TCP (GET /v1/tasks/ID/logs, signed for "berth").
#include <chrono>
#include <iostream>
#include <thread>

#include "api/local_client.hpp"
#include "cli/usage.hpp"
#include "model/schema.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int logs_verb(const Words& words) {
  auto flags = config_flags();
  flags.merge(endpoint_flags());
  auto args = parse_args(words, flags, {"follow", "timestamps"});
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
  const bool follow = args->flags.contains("follow");
  const bool timestamps = args->flags.contains("timestamps");
  const std::string container = args->positional.size() == 2 ? args->positional[1] : "";
  std::size_t since = 0;
  while (true) {
    const std::string path = "/v1/tasks/" + api::url_encode(args->positional[0]) + "/logs?since=" +
                             std::to_string(since) + "&container=" + api::url_encode(container) +
                             "&cluster=" + api::url_encode(config->cluster);
    const auto reply = connection->get(path, "berth");
    if (!reply) {
      std::cerr << "berth: " << reply.error().message << "\n";
      return 1;
    }
    const model::Json& body = *reply;
    const bool several = container.empty() && body.value("containers", model::Json::array()).size() > 1;
    for (const auto& e : body.value("events", model::Json::array())) {
      auto& out = e.value("stream", "") == "stderr" ? std::cerr : std::cout;
      if (timestamps) out << e.value("time", "") << " ";
      if (several) out << e.value("container", "") << " | ";
      out << e.value("text", "") << "\n";
    }
    std::cout.flush();
    since = body.value("next", since);
    // A reply is bounded; `more` says the logs go on past it already.
    if (body.value("more", false)) continue;
    if (!follow || body.value("taskStatus", "") == "STOPPED") return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace berth::cli
