// `berth logs TASK [CONTAINER] [--follow]`: a task's container output, through the API on the
// daemon's unix socket.
#include <chrono>
#include <iostream>
#include <thread>

#include "api/local_client.hpp"
#include "cli/usage.hpp"
#include "model/schema.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int logs_verb(const Words& words) {
  auto flags = config_flags();
  auto args = parse_args(words, flags, {"follow", "timestamps"});
  if (!args) return usage_error(args.error().message, "logs");
  if (args->help) {
    std::cout << verb_usage("logs");
    return 0;
  }
  if (args->positional.empty() || args->positional.size() > 2) return usage_error("logs takes TASK [CONTAINER]", "logs");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "logs");
  const bool follow = args->flags.contains("follow");
  const bool timestamps = args->flags.contains("timestamps");
  const std::string container = args->positional.size() == 2 ? args->positional[1] : "";
  std::size_t since = 0;
  bool told_unkept = false;
  while (true) {
    const std::string path = "/v1/tasks/" + api::url_encode(args->positional[0]) + "/logs?since=" +
                             std::to_string(since) + "&container=" + api::url_encode(container) +
                             "&cluster=" + api::url_encode(config->cluster);
    auto reply = api::local_get(config->socket_path, path);
    if (!reply) {
      std::cerr << "berth: " << reply.error().message << "\n";
      return 1;
    }
    const auto body = model::Json::parse(reply->body, nullptr, false);
    if (reply->status != 200 || !body.is_object()) {
      std::cerr << "berth: " << (body.is_object() ? body.value("message", reply->body) : reply->body) << "\n";
      return 1;
    }
    // As `docker logs` says of such drivers, once: nothing to read here, and where it went.
    if (!told_unkept && body.contains("unkeptLogs") && body["unkeptLogs"].is_object()) {
      for (const auto& [name, driver] : body["unkeptLogs"].items()) {
        const std::string d = driver.is_string() ? driver.get<std::string>() : "";
        std::cerr << "berth: container " << name << " logs with the " << d << " driver; "
                  << (d == "none" ? "its output is not kept" : "its output went to the host's " + d + ", not to berth")
                  << "\n";
      }
      told_unkept = true;
    }
    const bool several = container.empty() && body.value("containers", model::Json::array()).size() > 1;
    for (const auto& e : body["events"]) {
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
