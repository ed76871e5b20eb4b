#include "cli/verb_setup.hpp"

#include <iostream>

#include "cli/durations.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"

namespace berth::cli {

std::expected<VerbSetup, int> setup_verb(const std::vector<std::string>& words, std::string_view verb,
                                         std::set<std::string> value_flags, const std::set<std::string>& boolean_flags) {
  for (const auto& flag : config_flags()) value_flags.insert(flag);
  for (const auto& flag : endpoint_flags()) value_flags.insert(flag);
  value_flags.insert("output");
  auto args = parse_args(words, value_flags, boolean_flags);
  if (!args) return std::unexpected(usage_error(args.error().message, verb));
  if (args->help) {
    std::cout << verb_usage(verb);
    return std::unexpected(0);
  }
  VerbSetup setup;
  if (const auto output = args->flags.find("output"); output != args->flags.end()) {
    if (output->second == "json") {
      setup.output = Output::json;
    } else if (output->second != "table") {
      return std::unexpected(usage_error("--output takes table or json, not '" + output->second + "'", verb));
    }
  }
  auto config = load_config(*args);
  if (!config) return std::unexpected(usage_error(config.error().message, verb));
  auto api = connect_verb(*args, *config, verb);
  if (!api) return std::unexpected(api.error());
  setup.api = std::move(*api);
  setup.config = std::move(*config);
  setup.args = std::move(*args);
  setup.colouring = setup.output == Output::json ? Colouring::off : colour_of_terminal();
  return setup;
}

std::expected<ApiConnection, int> connect_verb(const ParsedArgs& args, const Config& config, std::string_view verb) {
  auto connection = connection_of(args, config, process_environment());
  if (connection) return std::move(*connection);
  if (connection.error().code == Code::invalid_parameter) return std::unexpected(usage_error(connection.error().message, verb));
  return std::unexpected(report_failure(connection.error()));
}

std::expected<long long, int> timeout_flag(const VerbSetup& setup, std::string_view verb) {
  constexpr long long k_default_seconds = 600;
  constexpr long long k_max_seconds = 7 * 86400;
  const auto flag = setup.args.flags.find("timeout");
  if (flag == setup.args.flags.end()) return k_default_seconds;
  const auto seconds = parse_duration(flag->second, k_max_seconds);
  if (!seconds) return std::unexpected(usage_error("--timeout takes a duration such as 90s, 10m or 2h", verb));
  return *seconds;
}

int report_failure(const Error& error, std::string_view advice) {
  std::cerr << "berth: " << error.message;
  if (!advice.empty()) std::cerr << "; " << advice;
  std::cerr << "\n";
  return 1;
}

void print_json(const model::Json& value) { std::cout << value.dump(2) << "\n"; }

void print_reply(const VerbSetup& setup, const model::Json& reply, const std::string& line) {
  if (setup.output == Output::json) {
    print_json(reply);
  } else {
    std::cout << line << "\n";
  }
  std::cout.flush();
}

std::string flag_value(const VerbSetup& setup, const std::string& name, std::string otherwise) {
  const auto flag = setup.args.flags.find(name);
  return flag == setup.args.flags.end() ? std::move(otherwise) : flag->second;
}

void print_list(const VerbSetup& setup, const char* member, const std::vector<model::Json>& items, TableFormat format) {
  if (setup.output == Output::json) {
    print_json({{member, items}});
  } else {
    std::cout << format(items, SystemClock().now_ms(), setup.colouring);
  }
}

}  // namespace berth::cli
