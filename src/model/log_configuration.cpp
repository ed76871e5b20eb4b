#include "model/log_configuration.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>

#include "common/numbers.hpp"
#include "model/log_line_start.hpp"
#include "model/log_tag.hpp"

namespace berth::model {
namespace {

constexpr std::size_t k_max_name = 512;
// Docker refuses a buffer beyond this (its ring buffer's limit); a bigger one would only hold
// more of berth's memory.
constexpr std::size_t k_max_buffer = std::size_t{1} << 30;
constexpr std::size_t k_max_pattern = 1024;

std::unexpected<Error> refuse(const std::string& what) { return fail(Code::client, what); }

Result<bool> boolean_option(const std::string& key, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return fail(Code::client, "logConfiguration.options '" + key + "' must be true or false, not '" + value + "'.");
}

// Docker's mode and max-buffer-size, which every driver takes. Returns false for another key.
Result<bool> set_delivery_option(LogConfiguration& out, const std::string& key, const std::string& value) {
  if (key == "mode") {
    if (value != "blocking" && value != "non-blocking") {
      return refuse("logConfiguration.options 'mode' must be blocking or non-blocking, not '" + value + "'.");
    }
    out.blocking = value == "blocking";
    return true;
  }
  if (key == "max-buffer-size") {
    const auto size = parse_docker_size(value);
    if (!size || *size > k_max_buffer) {
      return refuse("logConfiguration.options 'max-buffer-size' '" + value + "' is not a size up to 1g (\"4m\", \"512k\").");
    }
    out.max_buffer_bytes = *size;
    return true;
  }
  return false;
}

// syslog's and journald's options (besides mode and max-buffer-size): both take tag, labels,
// labels-regex, env and env-regex, as Docker's drivers.
Result<void> set_host_driver_option(LogConfiguration& out, const std::string& driver, const std::string& key,
                                    const std::string& value) {
  if (key == "tag") {
    BERTH_TRY(check_log_tag(value));
    out.tag = value;
    return {};
  }
  BERTH_ASSIGN(const bool attribute, set_log_attribute_option(out.attributes, key, value));
  if (attribute) return {};
  if (driver == "syslog") {
    BERTH_ASSIGN(const bool known, set_syslog_option(out.syslog, key, value));
    if (known) return {};
    return refuse("logConfiguration.options '" + key + "' is not a syslog option berth knows (syslog-address, "
                  "syslog-facility, syslog-format, syslog-tls-ca-cert, syslog-tls-cert, syslog-tls-key, "
                  "syslog-tls-skip-verify, tag, labels, labels-regex, env, env-regex, mode, max-buffer-size).");
  }
  return refuse("logConfiguration.options '" + key + "' is not a journald option berth knows (tag, labels, labels-regex, "
                "env, env-regex, mode, max-buffer-size).");
}

Result<void> set_awslogs_option(AwsLogsOptions& out, const std::string& key, const std::string& value) {
  if (key == "awslogs-group") {
    if (auto ok = check_log_group_name(value); !ok) return refuse("logConfiguration.options 'awslogs-group': " + ok.error().message);
    out.group = value;
  } else if (key == "awslogs-region") {
    if (value.empty()) return refuse("logConfiguration.options 'awslogs-region' is empty.");
    out.region = value;
  } else if (key == "awslogs-stream-prefix") {
    if (value.empty() || value.size() > k_max_name || value.find_first_of(":*") != std::string::npos) {
      return refuse("logConfiguration.options 'awslogs-stream-prefix' must be 1-512 characters without ':' or '*'.");
    }
    out.stream_prefix = value;
  } else if (key == "awslogs-create-group") {
    BERTH_ASSIGN(out.create_group, boolean_option(key, value));
  } else if (key == "awslogs-datetime-format") {
    if (value.empty() || value.size() > k_max_pattern) return refuse("logConfiguration.options 'awslogs-datetime-format' must be 1-1024 characters.");
    BERTH_TRY(LineStartMatcher::datetime(value));
    out.datetime_format = value;
  } else if (key == "awslogs-multiline-pattern") {
    if (value.empty() || value.size() > k_max_pattern) return refuse("logConfiguration.options 'awslogs-multiline-pattern' must be 1-1024 characters.");
    BERTH_TRY(LineStartMatcher::pattern(value));
    out.multiline_pattern = value;
  } else {
    return refuse("logConfiguration.options '" + key + "' is not an awslogs option berth knows (awslogs-group, "
                  "awslogs-region, awslogs-stream-prefix, awslogs-create-group, mode, max-buffer-size, "
                  "awslogs-datetime-format, awslogs-multiline-pattern).");
  }
  return {};
}

}  // namespace

Result<LogConfiguration> parse_log_configuration(const Json& log) {
  LogConfiguration out;
  const std::string driver = log.value("logDriver", "");
  const Json options = log.value("options", Json::object());
  if (!log.value("secretOptions", Json::array()).empty()) {
    return fail(Code::client, "logConfiguration.secretOptions are not supported: berth sends logs nowhere that needs a secret.");
  }
  if (driver == "none") {
    out.driver = LogDriver::none;
    if (!options.empty()) return fail(Code::client, "logConfiguration.options are not supported for the none driver: it keeps nothing.");
    return out;
  }
  if (driver == "json-file") {
    // Docker's json-file options that berth keeps: attrs (labels, env) and a tag; the file's size
    // and rotation (max-size, max-file, compress) are berth's own, not the task's.
    out.driver = LogDriver::json_file;
    for (const auto& [key, value] : options.items()) {
      const std::string text = value.get<std::string>();
      if (key == "tag") {
        BERTH_TRY(check_log_tag(text));
        out.tag = text;
        continue;
      }
      BERTH_ASSIGN(const bool attribute, set_log_attribute_option(out.attributes, key, text));
      if (!attribute) {
        return refuse("logConfiguration.options '" + key + "' is not a json-file option berth knows (labels, labels-regex, "
                      "env, env-regex, tag): container output goes to berth's own rotated log, read with `berth logs`.");
      }
    }
    return out;
  }
  const auto check_mode = [&]() -> Result<void> {
    if (out.blocking && options.contains("max-buffer-size")) {
      return refuse("logConfiguration.options 'max-buffer-size' applies to mode non-blocking only.");
    }
    return {};
  };
  if (driver == "syslog" || driver == "journald") {
    out.driver = driver == "syslog" ? LogDriver::syslog : LogDriver::journald;
    for (const auto& [key, value] : options.items()) {
      BERTH_ASSIGN(const bool delivery, set_delivery_option(out, key, value.get<std::string>()));
      if (!delivery) BERTH_TRY(set_host_driver_option(out, driver, key, value.get<std::string>()));
    }
    BERTH_TRY(check_mode());
    BERTH_TRY(check_syslog_options(out.syslog));
    return out;
  }
  if (driver != "awslogs") {
    return fail(Code::client, "Log driver " + driver +
                                  " is not supported by berth. Supported log drivers: awslogs, journald, json-file, none, syslog.");
  }
  out.driver = LogDriver::awslogs;
  for (const auto& [key, value] : options.items()) {
    BERTH_ASSIGN(const bool delivery, set_delivery_option(out, key, value.get<std::string>()));
    if (!delivery) BERTH_TRY(set_awslogs_option(out.awslogs, key, value.get<std::string>()));
  }
  if (out.awslogs.group.empty()) return refuse("logConfiguration.options 'awslogs-group' is required by the awslogs driver.");
  // Docker's awslogs driver refuses both at once: which one starts an event would be ambiguous.
  if (!out.awslogs.datetime_format.empty() && !out.awslogs.multiline_pattern.empty()) {
    return refuse("logConfiguration.options: awslogs-datetime-format and awslogs-multiline-pattern cannot both be set.");
  }
  BERTH_TRY(check_mode());
  return out;
}

std::string awslogs_stream_name(const AwsLogsOptions& options, std::string_view container, std::string_view task_id,
                                std::string_view runtime_id) {
  if (options.stream_prefix.empty()) return std::string(runtime_id);
  return options.stream_prefix + "/" + std::string(container) + "/" + std::string(task_id);
}

Result<void> check_log_group_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_name) {
    return fail(Code::invalid_parameter, "Log group name must be 1-512 characters long.");
  }
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != '/' && c != '#') {
      return fail(Code::invalid_parameter, "Log group name '" + std::string(name) +
                                               "' has a character outside [.\\-_/#A-Za-z0-9].");
    }
  }
  return {};
}

Result<void> check_log_stream_name(std::string_view name) {
  const bool control = std::ranges::any_of(name, [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (name.empty() || name.size() > k_max_name || name.find_first_of(":*") != std::string_view::npos || control) {
    return fail(Code::invalid_parameter, "Log stream name must be 1-512 characters without ':', '*' or control characters.");
  }
  return {};
}

std::string log_group_arn(const ArnScope& arns, std::string_view name) {
  return "arn:aws:logs:" + arns.region + ":" + arns.account + ":log-group:" + std::string(name);
}

std::optional<std::size_t> parse_docker_size(std::string_view text) {
  // 64-bit arithmetic on every target: a 32-bit gateway's size_t cannot hold the 1 TiB bound,
  // and a size beyond its address space is refused there.
  std::uint64_t unit = 1;
  if (!text.empty()) {
    switch (std::tolower(static_cast<unsigned char>(text.back()))) {
      case 'b': unit = 1; text.remove_suffix(1); break;
      case 'k': unit = std::uint64_t{1} << 10; text.remove_suffix(1); break;
      case 'm': unit = std::uint64_t{1} << 20; text.remove_suffix(1); break;
      case 'g': unit = std::uint64_t{1} << 30; text.remove_suffix(1); break;
      default: break;
    }
  }
  const auto number = parse_integer<std::uint64_t>(text);
  if (!number || *number == 0 || *number > (std::uint64_t{1} << 40) / unit) return std::nullopt;
  const std::uint64_t bytes = *number * unit;
  if (bytes > std::numeric_limits<std::size_t>::max()) return std::nullopt;
  return static_cast<std::size_t>(bytes);
}

}  // namespace berth::model
