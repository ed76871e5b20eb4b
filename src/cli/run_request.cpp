#include "cli/run_request.hpp"

#include "common/numbers.hpp"
#include "common/sha256.hpp"

namespace berth::cli {
namespace {

constexpr int k_default_memory_mib = 128;
constexpr long long k_max_memory_mib = 1LL << 20;  // 1 TiB
constexpr int k_min_memory_mib = 6;

Result<int> port_number(std::string_view text, int low, std::string_view whole) {
  const auto port = parse_integer_in<int>(text, low, 65535);
  if (!port) {
    return fail(Code::invalid_parameter, "-p " + std::string(whole) +
                                             ": ports are numbers from 1 to 65535 (0 for a free host port); "
                                             "write -p HOST:CONTAINER, e.g. -p 0:8080");
  }
  return *port;
}

// Takes the value of `flag` at words[i] ("-p V", "--publish V", "--publish=V", "-pV").
std::optional<std::string> value_of(const std::vector<std::string>& words, std::size_t& i, std::string_view short_name,
                                    std::string_view long_name) {
  const std::string& word = words[i];
  if (word == short_name || word == long_name) {
    if (i + 1 >= words.size()) return std::nullopt;
    return words[++i];
  }
  if (word.starts_with(std::string(long_name) + "=")) return word.substr(long_name.size() + 1);
  return word.substr(short_name.size());
}

bool names_flag(std::string_view word, std::string_view short_name, std::string_view long_name) {
  return word == long_name || word.starts_with(std::string(long_name) + "=") ||
         (word.starts_with(short_name) && !word.starts_with("--"));
}

}  // namespace

Result<RunWords> split_run_words(const std::vector<std::string>& words) {
  RunWords out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--") {
      out.command.assign(words.begin() + static_cast<std::ptrdiff_t>(i) + 1, words.end());
      break;
    }
    const bool publish = names_flag(word, "-p", "--publish");
    const bool env = names_flag(word, "-e", "--env");
    if (!publish && !env) {
      out.rest.push_back(word);
      continue;
    }
    auto value = publish ? value_of(words, i, "-p", "--publish") : value_of(words, i, "-e", "--env");
    if (!value) return fail(Code::invalid_parameter, word + " needs a value");
    (publish ? out.publish : out.env).push_back(*value);
  }
  return out;
}

Result<PortMapping> parse_port_mapping(std::string_view text) {
  PortMapping out;
  std::string_view ports = text;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    out.protocol = std::string(text.substr(slash + 1));
    ports = text.substr(0, slash);
    if (out.protocol != "tcp" && out.protocol != "udp") {
      return fail(Code::invalid_parameter, "-p " + std::string(text) + ": the protocol is tcp or udp");
    }
  }
  const auto colon = ports.find(':');
  if (colon == std::string_view::npos) {
    BERTH_ASSIGN(out.container_port, port_number(ports, 1, text));
    out.host_port = out.container_port;
    return out;
  }
  BERTH_ASSIGN(out.host_port, port_number(ports.substr(0, colon), 0, text));
  BERTH_ASSIGN(out.container_port, port_number(ports.substr(colon + 1), 1, text));
  return out;
}

Result<std::pair<std::string, std::string>> parse_env(std::string_view text) {
  const auto eq = text.find('=');
  const std::string_view name = text.substr(0, eq);
  const bool valid = !name.empty() && !(name.front() >= '0' && name.front() <= '9') &&
                     name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
                         std::string_view::npos;
  if (eq == std::string_view::npos || !valid) {
    return fail(Code::invalid_parameter, "-e " + std::string(text) + ": write -e NAME=VALUE (NAME of letters, digits and _)");
  }
  return std::pair<std::string, std::string>{std::string(name), std::string(text.substr(eq + 1))};
}

Result<int> parse_memory_mib(std::string_view text) {
  const auto number = parse_leading_integer<long long>(text);
  std::string_view unit = number ? text.substr(number->length) : text;
  // Bytes per unit, over 1 KiB so that the arithmetic stays in whole KiB.
  long long kib_per_unit = 0;
  if (unit.empty() || unit == "m" || unit == "M" || unit == "MiB" || unit == "mb" || unit == "MB") {
    kib_per_unit = 1024;
  } else if (unit == "g" || unit == "G" || unit == "GiB" || unit == "gb" || unit == "GB") {
    kib_per_unit = 1024 * 1024;
  } else if (unit == "k" || unit == "K" || unit == "KiB" || unit == "kb" || unit == "KB") {
    kib_per_unit = 1;
  }
  const std::string advice = "--memory " + std::string(text) + ": write a size from 6m to 1024g, e.g. --memory 64m";
  if (!number || kib_per_unit == 0 || number->value < 0 || number->value > k_max_memory_mib * 1024 / kib_per_unit) {
    return fail(Code::invalid_parameter, advice);
  }
  const long long mib = (number->value * kib_per_unit + 1023) / 1024;
  if (mib < k_min_memory_mib || mib > k_max_memory_mib) return fail(Code::invalid_parameter, advice);
  return static_cast<int>(mib);
}

std::string family_for_image(std::string_view image) {
  std::string_view name = image;
  if (const auto at = name.find('@'); at != std::string_view::npos) name = name.substr(0, at);
  if (const auto slash = name.rfind('/'); slash != std::string_view::npos) name = name.substr(slash + 1);
  if (const auto colon = name.find(':'); colon != std::string_view::npos) name = name.substr(0, colon);
  std::string out;
  for (char c : name.substr(0, 255)) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    out.push_back(kept ? c : '-');
  }
  return out.empty() ? "run" : out;
}

model::Json run_task_definition(const RunSpec& spec) {
  model::Json container{{"name", spec.family},
                        {"image", spec.image},
                        {"essential", true},
                        {"memory", spec.memory_mib.value_or(k_default_memory_mib)}};
  if (!spec.command.empty()) container["command"] = spec.command;
  if (!spec.environment.empty()) {
    model::Json env = model::Json::array();
    for (const auto& [name, value] : spec.environment) env.push_back({{"name", name}, {"value", value}});
    container["environment"] = env;
  }
  if (!spec.ports.empty()) {
    model::Json mappings = model::Json::array();
    for (const auto& p : spec.ports) {
      mappings.push_back({{"containerPort", p.container_port}, {"hostPort", p.host_port}, {"protocol", p.protocol}});
    }
    container["portMappings"] = mappings;
  }
  return {{"family", spec.family},
          {"networkMode", "bridge"},
          {"containerDefinitions", model::Json::array({container})}};
}

std::string request_digest(const model::Json& request) {
  Sha256 hasher;
  hasher.update(request.dump());  // nlohmann's objects keep their keys sorted: canonical text
  return hasher.hex_digest();
}

}  // namespace berth::cli
