// `berth join-token create [--ttl DURATION] [--cluster NAME]`: a one-time token another gateway
// joins this one's cluster with (`berth serve --join URL --join-token TOKEN`), made by the
// daemon over its unix socket (BerthCluster.CreateJoinToken).
#include <iostream>

#include "cli/daemon_call.hpp"
#include "cli/durations.hpp"
#include "cli/relative_time.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "model/join_tokens.hpp"

namespace berth::cli {
namespace {

int create(const Config& config, const ParsedArgs& args) {
  if (args.positional.size() != 1) return usage_error("join-token create takes no arguments", "join-token");
  model::Json request = model::Json::object();
  if (const auto ttl = args.flags.find("ttl"); ttl != args.flags.end()) {
    const auto seconds = parse_duration(ttl->second, model::k_max_join_token_ttl_seconds);
    if (!seconds) return usage_error("--ttl takes a duration from 1s to 30d (90s, 15m, 24h, 7d)", "join-token");
    request["ttlSeconds"] = *seconds;
  }
  if (const auto cluster = args.flags.find("cluster"); cluster != args.flags.end()) request["cluster"] = cluster->second;
  const auto reply = call_daemon(config, "BerthCluster.CreateJoinToken", request);
  if (!reply) return 1;
  const auto expires = timestamp_member(*reply, "expiresAt");
  const std::string when = expires ? utc_time(*expires) : "-";
  // The token alone on stdout, so scripts can capture it; the rest on stderr.
  std::cout << reply->value("joinToken", "") << "\n";
  std::cerr << "# joins " << reply->value("clusterArn", "") << " once, until " << when
            << "; the token is not shown again\n";
  return 0;
}

}  // namespace

int join_token_verb(const Words& words) {
  auto flags = config_flags();
  flags.insert("ttl");
  flags.insert("cluster");
  auto args = parse_args(words, flags);
  if (!args) return usage_error(args.error().message, "join-token");
  if (args->help) {
    std::cout << verb_usage("join-token");
    return 0;
  }
  if (args->positional.empty()) return usage_error("join-token needs create", "join-token");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "join-token");
  if (args->positional[0] == "create") return create(*config, *args);
  return usage_error("unknown join-token command '" + args->positional[0] + "'", "join-token");
}

}  // namespace berth::cli
