// `berth stats [TASK] [--no-stream]`: the running containers' usage as a table, redrawn each
// second until Ctrl-C (or printed once), read from the daemon's GET /v1/stats over its unix socket.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "api/local_client.hpp"
#include "cli/stats_table.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "model/container_usage.hpp"

namespace berth::cli {
namespace {

// Moves the cursor home and clears the terminal, so each refresh replaces the last table.
constexpr std::string_view k_clear_screen = "\033[H\033[2J";

Result<std::vector<model::ContainerUsage>> read_usage(const std::string& socket_path, const std::string& task) {
  BERTH_ASSIGN(const auto reply, api::local_get(socket_path, "/v1/stats?task=" + api::url_encode(task)));
  if (reply.status != 200) {
    const auto body = model::Json::parse(reply.body, nullptr, false);
    const std::string message = body.is_object() && body.contains("message") && body["message"].is_string()
                                    ? body["message"].get<std::string>()
                                    : reply.body;
    return fail(Code::server, message);
  }
  return model::container_usages_from_json(reply.body);
}

}  // namespace

int stats_verb(const Words& words) {
  auto flags = config_flags();
  auto args = parse_args(words, flags, {"no-stream"});
  if (!args) return usage_error(args.error().message, "stats");
  if (args->help) {
    std::cout << verb_usage("stats");
    return 0;
  }
  if (args->positional.size() > 1) return usage_error("stats takes at most one TASK", "stats");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "stats");
  const std::string task = args->positional.empty() ? "" : args->positional[0];
  const bool stream = !args->flags.contains("no-stream");
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  while (true) {
    auto usage = read_usage(config->socket_path, task);
    if (!usage) {
      std::cerr << "berth: " << usage.error().message << "\n";
      return 1;
    }
    if (!stream && !task.empty() && usage->empty()) {
      std::cerr << "berth: task " << task << " has no running container with a reading (yet)\n";
      return 1;
    }
    if (stream && terminal) std::cout << k_clear_screen;
    std::cout << format_stats_table(*usage);
    std::cout.flush();
    if (!stream) return 0;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace berth::cli
