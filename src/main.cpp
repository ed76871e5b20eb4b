// Composition root: parses the verb and flags, builds the concrete parts, wires them, runs.
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "api/http_server.hpp"
#include "cli/flags.hpp"
#include "cli/usage.hpp"
#include "common/config.hpp"
#include "common/log.hpp"
#include "runtime/shim/shim.hpp"
#include "store/store.hpp"
#include "svc/context.hpp"

namespace {

using berth::Result;

constexpr const char* k_default_config = "/etc/berth/berth.conf";

int usage_error(const std::string& message, std::string_view verb) {
  std::cerr << "berth: " << message << "\n\n" << (verb.empty() ? berth::cli::overview_usage()
                                                               : berth::cli::verb_usage(verb));
  return 2;
}

Result<void> make_dir(const std::string& path, std::filesystem::perms perms) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return berth::fail(berth::Code::server, "cannot create " + path + ": " + ec.message());
  std::filesystem::permissions(path, perms, ec);
  return {};
}

Result<berth::Config> load_config(const berth::cli::ParsedArgs& args) {
  berth::Config config;
  const auto explicit_file = args.flags.find("config");
  BERTH_TRY(berth::load_config_file(
      config, explicit_file == args.flags.end() ? k_default_config : explicit_file->second,
      explicit_file == args.flags.end() ? berth::MissingFile::ok : berth::MissingFile::error));
  // Flags override the file; they map onto the same keys.
  std::map<std::string, std::string> overrides;
  const std::pair<const char*, const char*> k_flag_keys[] = {
      {"data-dir", "ECS_DATADIR"}, {"run-dir", "BERTH_RUN_DIR"},  {"listen", "BERTH_LISTEN"},
      {"socket", "BERTH_SOCKET"},  {"cluster", "ECS_CLUSTER"},    {"region", "BERTH_REGION"},
      {"account", "BERTH_ACCOUNT_ID"}, {"log-level", "BERTH_LOG_LEVEL"}};
  for (const auto& [flag, key] : k_flag_keys) {
    if (auto it = args.flags.find(flag); it != args.flags.end()) overrides[key] = it->second;
  }
  BERTH_TRY(berth::apply_config(config, overrides));
  return config;
}

Result<berth::LogLevel> parse_log_level(const std::string& name) {
  if (name == "debug") return berth::LogLevel::debug;
  if (name == "info") return berth::LogLevel::info;
  if (name == "warn") return berth::LogLevel::warn;
  if (name == "error") return berth::LogLevel::error;
  return berth::fail(berth::Code::invalid_parameter, "log level must be debug, info, warn or error");
}

int serve(const std::vector<std::string>& words) {
  auto args = berth::cli::parse_args(words, {"config", "data-dir", "run-dir", "listen", "socket",
                                             "cluster", "region", "account", "log-level"});
  if (!args) return usage_error(args.error().message, "serve");
  if (args->help) {
    std::cout << berth::cli::verb_usage("serve");
    return 0;
  }
  if (!args->positional.empty()) return usage_error("serve takes no arguments", "serve");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "serve");
  auto level = parse_log_level(config->log_level);
  if (!level) return usage_error(level.error().message, "serve");
  berth::set_log_level(*level);

  // Signals are taken by sigwait below: block them before any thread exists.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const auto fail_start = [](const berth::Error& error) {
    berth::log_error("cannot start: " + error.message);
    return 1;
  };
  if (auto ok = make_dir(config->data_dir, std::filesystem::perms::owner_all); !ok) return fail_start(ok.error());
  if (auto ok = make_dir(config->run_dir, std::filesystem::perms::owner_all |
                                              std::filesystem::perms::group_read |
                                              std::filesystem::perms::group_exec);
      !ok) {
    return fail_start(ok.error());
  }
  if (!config->socket_path.empty()) {
    const auto dir = std::filesystem::path(config->socket_path).parent_path();
    if (auto ok = make_dir(dir.string(), std::filesystem::perms::owner_all |
                                             std::filesystem::perms::group_read |
                                             std::filesystem::perms::group_exec);
        !ok) {
      return fail_start(ok.error());
    }
  }

  auto store = berth::store::Store::open(config->db_path());
  if (!store) return fail_start(store.error());
  berth::SystemClock clock;
  if (auto created = (*store)->ensure_cluster(config->cluster, clock.now_ms()); !created) {
    return fail_start(created.error());
  } else if (*created) {
    berth::log_info("created cluster " + config->cluster);
  }
  berth::svc::Context ctx{**store, clock, berth::ArnScope{config->region, config->account},
                          config->cluster};
  auto server = berth::api::HttpServer::start(
      ctx, {config->listen, config->socket_path, config->max_body_bytes});
  if (!server) return fail_start(server.error());
  std::string where;
  if (!config->listen.empty()) {
    const auto host = config->listen.substr(0, config->listen.rfind(':'));
    where += "http://" + host + ":" + std::to_string((*server)->tcp_port());
  }
  if (!config->socket_path.empty()) where += (where.empty() ? "" : " and ") + config->socket_path;
  berth::log_info("API ready on " + where + " (cluster " + config->cluster + ", state " +
                  config->db_path() + ")");

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  berth::log_info(std::string("stopping on ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM"));
  (*server)->stop();
  berth::log_info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) return usage_error("missing verb", "");
  const std::string verb = words.front();
  words.erase(words.begin());
  if (verb == "--help" || verb == "-h" || verb == "help") {
    if (!words.empty() && !berth::cli::verb_usage(words.front()).empty()) {
      std::cout << berth::cli::verb_usage(words.front());
    } else {
      std::cout << berth::cli::overview_usage();
    }
    return 0;
  }
  if (verb == "--version" || verb == "version") {
    if (!words.empty() && (words.front() == "--help" || words.front() == "-h")) {
      std::cout << berth::cli::verb_usage("version");
      return 0;
    }
    std::cout << berth::cli::version_line() << "\n";
    return 0;
  }
  if (verb == "serve") return serve(words);
  if (verb == "shim") {
    // Internal: berth re-executed as a container's monitor by the runtime.
    auto options = berth::runtime::parse_shim_args(words);
    if (!options) return usage_error(options.error().message, "");
    return berth::runtime::run_shim(*options);
  }
  return usage_error("unknown verb '" + verb + "'", "");
}
