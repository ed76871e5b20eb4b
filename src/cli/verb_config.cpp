#include "cli/verb_config.hpp"

#include <iostream>

#include "cli/usage.hpp"

namespace berth::cli {

constexpr const char* k_default_config = "/etc/berth/berth.conf";

int usage_error(const std::string& message, std::string_view verb) {
  std::cerr << "berth: " << message << "\n\n" << (verb.empty() ? overview_usage() : verb_usage(verb));
  return 2;
}

std::set<std::string> config_flags() {
  return {"config", "data-dir", "run-dir", "listen", "socket", "cluster", "region", "account", "log-level",
          "tls", "tls-cert", "tls-key"};
}

std::expected<Config, int> config_of_verb(const std::vector<std::string>& words, std::string_view verb) {
  const std::string name(verb);
  auto flags = config_flags();
  // Only the daemon joins a cluster.
  if (verb == "serve") flags.insert({"join", "join-token", "join-ca", "join-fingerprint", "peers", "peer-address"});
  auto args = parse_args(words, flags);
  if (!args) return std::unexpected(usage_error(args.error().message, verb));
  if (args->help) {
    std::cout << verb_usage(verb);
    return std::unexpected(0);
  }
  if (!args->positional.empty()) return std::unexpected(usage_error(name + " takes no arguments", verb));
  auto config = load_config(*args);
  if (!config) return std::unexpected(usage_error(config.error().message, verb));
  return std::move(*config);
}

Result<Config> load_config(const ParsedArgs& args) {
  Config config;
  const auto explicit_file = args.flags.find("config");
  BERTH_TRY(load_config_file(config, explicit_file == args.flags.end() ? k_default_config : explicit_file->second,
                             explicit_file == args.flags.end() ? MissingFile::ok : MissingFile::error));
  // Flags override the file; they map onto the same keys.
  std::map<std::string, std::string> overrides;
  const std::pair<const char*, const char*> k_flag_keys[] = {
      {"data-dir", "ECS_DATADIR"}, {"run-dir", "BERTH_RUN_DIR"},  {"listen", "BERTH_LISTEN"},
      {"socket", "BERTH_SOCKET"},  {"cluster", "ECS_CLUSTER"},    {"region", "BERTH_REGION"},
      {"account", "BERTH_ACCOUNT_ID"}, {"log-level", "BERTH_LOG_LEVEL"},
      {"tls", "BERTH_TLS"},        {"tls-cert", "BERTH_TLS_CERT"}, {"tls-key", "BERTH_TLS_KEY"},
      {"join", "BERTH_JOIN"},      {"join-token", "BERTH_JOIN_TOKEN"}, {"join-ca", "BERTH_JOIN_CA"},
      {"join-fingerprint", "BERTH_JOIN_FINGERPRINT"}, {"peers", "BERTH_PEERS"}, {"peer-address", "BERTH_PEER_ADDRESS"}};
  for (const auto& [flag, key] : k_flag_keys) {
    if (auto it = args.flags.find(flag); it != args.flags.end()) overrides[key] = it->second;
  }
  BERTH_TRY(apply_config(config, overrides));
  return config;
}

}  // namespace berth::cli
