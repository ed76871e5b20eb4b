#include "common/config.hpp"

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

namespace berth {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::string unquote(const std::string& v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

}  // namespace

Result<std::map<std::string, std::string>> parse_config_text(const std::string& text) {
  std::map<std::string, std::string> keys;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string stripped = trim(line);
    if (stripped.empty() || stripped.front() == '#') continue;
    const auto eq = stripped.find('=');
    const std::string key = eq == std::string::npos ? "" : trim(stripped.substr(0, eq));
    if (key.empty()) {
      return fail(Code::invalid_parameter,
                  "line " + std::to_string(number) + ": expected KEY=VALUE, got '" + stripped + "'");
    }
    keys[key] = unquote(trim(stripped.substr(eq + 1)));
  }
  return keys;
}

Result<void> apply_config(Config& config, const std::map<std::string, std::string>& keys) {
  for (const auto& [key, value] : keys) {
    config.raw[key] = value;
    if (key == "ECS_CLUSTER") config.cluster = value;
    else if (key == "BERTH_REGION") config.region = value;
    else if (key == "BERTH_ACCOUNT_ID") config.account = value;
    else if (key == "ECS_DATADIR" || key == "BERTH_DATA_DIR") config.data_dir = value;
    else if (key == "BERTH_RUN_DIR") config.run_dir = value;
    else if (key == "BERTH_LISTEN") config.listen = value;
    else if (key == "BERTH_SOCKET") config.socket_path = value;
    else if (key == "BERTH_LOG_LEVEL") config.log_level = value;
    else if (key == "BERTH_AUTH") {
      if (value != "sigv4" && value != "off") return fail(Code::invalid_parameter, key + " must be sigv4 or off");
      config.tcp_auth = value == "sigv4";
    } else if (key == "BERTH_TLS_CERT") config.tls_cert = value;
    else if (key == "BERTH_TLS_KEY") config.tls_key = value;
    else if (key == "BERTH_TLS") {
      if (value != "auto" && value != "on" && value != "off") {
        return fail(Code::invalid_parameter, key + " must be auto, on or off");
      }
      config.tls_mode = value;
    }
    else if (key == "BERTH_MAX_BODY_BYTES") {
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || n < 1024) {
        return fail(Code::invalid_parameter, key + " must be a whole number of bytes >= 1024");
      }
      config.max_body_bytes = n;
    }
  }
  if (config.cluster.empty()) return fail(Code::invalid_parameter, "ECS_CLUSTER must not be empty");
  return {};
}

Result<void> load_config_file(Config& config, const std::string& path, MissingFile missing) {
  std::ifstream file(path);
  if (!file) {
    if (errno == ENOENT && missing == MissingFile::ok) return {};
    return fail(Code::invalid_parameter, "cannot read config file " + path, errno);
  }
  std::stringstream text;
  text << file.rdbuf();
  auto keys = parse_config_text(text.str());
  if (!keys) return std::unexpected(keys.error().wrap(path));
  auto applied = apply_config(config, *keys);
  if (!applied) return std::unexpected(applied.error().wrap(path));
  return {};
}

}  // namespace berth
