#include "cli/usage.hpp"

#ifndef BERTH_VERSION
#define BERTH_VERSION "0.0.0-dev"
#endif

namespace berth::cli {

std::string_view overview_usage() {
  return R"(berth: an ECS-compatible container orchestrator for edge gateways

Usage: berth <verb> [flags]

Verbs:
  serve     run the daemon: the ECS API, its state and the local agent
  version   print the version and architecture
  help      show help for a verb (berth help serve)

Every verb takes --help. The API speaks ECS JSON 1.1, so the aws CLI works against it:
  aws ecs list-clusters --endpoint-url http://127.0.0.1:51678
)";
}

std::string_view verb_usage(std::string_view verb) {
  if (verb == "serve") {
    return R"(Usage: berth serve [flags]

Runs the ECS API over TCP and a unix socket, keeping state in SQLite under the data directory.
Configuration comes from the config file (KEY=VALUE, ecs.config style); flags override it.

Flags:
  --config FILE     config file (default /etc/berth/berth.conf; need not exist)
  --data-dir DIR    state directory, holds berth.db       [ECS_DATADIR, /var/lib/berth]
  --run-dir DIR     runtime files                         [BERTH_RUN_DIR, /run/berth]
  --listen H:P      TCP address; port 0 picks a free one  [BERTH_LISTEN, 127.0.0.1:51678]
  --socket PATH     unix socket, mode 0660; "" for none   [BERTH_SOCKET, /run/berth/berth.sock]
  --cluster NAME    the cluster this gateway serves       [ECS_CLUSTER, default]
  --region NAME     region in ARNs                        [BERTH_REGION, local]
  --account ID      account in ARNs                       [BERTH_ACCOUNT_ID, 000000000000]
  --log-level L     debug, info, warn or error            [BERTH_LOG_LEVEL, info]

SIGTERM or SIGINT stops the API after the requests in flight are answered.
)";
  }
  if (verb == "version") {
    return "Usage: berth version\n\nPrints berth's version and the architecture it was built for.\n";
  }
  if (verb == "help") {
    return "Usage: berth help [verb]\n\nShows the overview, or the help of one verb.\n";
  }
  return "";
}

std::string version_line() {
#if defined(__aarch64__)
  constexpr const char* k_arch = "arm64";
#elif defined(__arm__)
  constexpr const char* k_arch = "arm";
#elif defined(__x86_64__)
  constexpr const char* k_arch = "x86_64";
#else
  constexpr const char* k_arch = "unknown";
#endif
  return std::string("berth ") + BERTH_VERSION + " (" + k_arch + ")";
}

}  // namespace berth::cli
