// `berth stats [TASK] [--no-stream]`: the running containers' usage as a table, redrawn each
// second until Ctrl-C (or printed once), read from GET /v1/stats through the daemon's unix socket
// or --endpoint's TCP (signed for "berth", authorized as berth:GetMetrics).
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "api/local_client.hpp"
#include "cli/resource_lookup.hpp"
#include "cli/stats_table.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"
#include "model/container_usage.hpp"

namespace berth::cli {
namespace {

// Moves the cursor home and clears the terminal, so each refresh replaces the last table.
constexpr std::string_view k_clear_screen = "\033[H\033[2J";

Result<std::vector<model::ContainerUsage>> read_usage(const ApiConnection& connection, const std::string& task) {
  BERTH_ASSIGN(const auto reply, connection.get("/v1/stats?task=" + api::url_encode(task), "berth"));
  return model::container_usages_from_json(reply.dump(-1, ' ', false, model::Json::error_handler_t::replace));
}

}  // namespace

int stats_verb(const Words& words) {
  auto flags = config_flags();
  flags.merge(endpoint_flags());
  auto args = parse_args(words, flags, {"no-stream"});
  if (!args) return usage_error(args.error().message, "stats");
  if (args->help) {
    std::cout << verb_usage("stats");
    return 0;
  }
  if (args->positional.size() > 1) return usage_error("stats takes at most one TASK", "stats");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "stats");
  const auto connection = connect_verb(*args, *config, "stats");
  if (!connection) return connection.error();
  std::string task;
  if (!args->positional.empty()) {
    auto named = task_reference(EcsClient(*config, *connection), args->positional[0], EcsClient::Stopped::exclude);
    if (!named) return report_failure(named.error());
    task = std::move(*named);
  }
  const bool stream = !args->flags.contains("no-stream");
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  while (true) {
    auto usage = read_usage(*connection, task);
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
