// A container's logConfiguration, checked once at RegisterTaskDefinition and read by the agent
// (which tells the shim where output goes) and the log ingester: which driver, the delivery mode
// every driver takes (Docker's mode / max-buffer-size), for awslogs the group, stream prefix and
// options as Docker's awslogs driver defines them, for syslog and journald theirs
// (host_log_drivers.hpp, log_tag.hpp, log_attributes.hpp). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/host_log_drivers.hpp"
#include "model/log_attributes.hpp"
#include "model/schema.hpp"

namespace berth::model {

enum class LogDriver { json_file, awslogs, none, syslog, journald };

struct AwsLogsOptions {
  std::string group;          // awslogs-group
  std::string region;         // awslogs-region ("" = berth's own region)
  std::string stream_prefix;  // awslogs-stream-prefix ("" = the stream is named after the runtime id)
  bool create_group = false;  // awslogs-create-group
  std::string datetime_format;    // awslogs-datetime-format (strftime, as Docker)
  std::string multiline_pattern;  // awslogs-multiline-pattern (a regular expression)
};

struct LogConfiguration {
  LogDriver driver = LogDriver::json_file;
  bool blocking = false;  // mode blocking (default non-blocking, ECS's defaultLogDriverMode)
  std::size_t max_buffer_bytes = 1 << 20;  // max-buffer-size (Docker's default 1m)
  AwsLogsOptions awslogs;  // for LogDriver::awslogs only
  SyslogOptions syslog;    // for LogDriver::syslog only
  std::string tag;         // syslog, journald: Docker's `tag` ("" = {{.ID}}; model/log_tag.hpp)
  // syslog, journald: labels, labels-regex, env, env-regex (journald's extra fields; for syslog,
  // as Docker's, only what a tag's {{(.ExtraAttributes nil).KEY}} reads)
  LogAttributeOptions attributes;
};

// Returns the logConfiguration `log` (a shape-checked {"logDriver","options","secretOptions"}).
// ClientException naming the driver for one berth does not run ("Log driver <d> is not supported
// by berth. ..."), naming the option for an unknown or malformed option, and when awslogs lacks
// awslogs-group. The message has no container name: the caller puts it in front.
[[nodiscard]] Result<LogConfiguration> parse_log_configuration(const Json& log);

// Returns the CloudWatch Logs stream name of a container, as ECS builds it for awslogs:
// "<prefix>/<container name>/<task id>", or `runtime_id` without a prefix.
std::string awslogs_stream_name(const AwsLogsOptions& options, std::string_view container, std::string_view task_id,
                                std::string_view runtime_id);

// CloudWatch Logs' name rules: a group is 1-512 of [A-Za-z0-9._/#-]; a stream 1-512 characters
// without ':', '*' or control characters (berth's own rule: its stream list is lines of text). Returns InvalidParameterException saying which rule `name` breaks.
[[nodiscard]] Result<void> check_log_group_name(std::string_view name);
[[nodiscard]] Result<void> check_log_stream_name(std::string_view name);

// A log group's ARN, arn:aws:logs:<region>:<account>:log-group:<name> (IAM policies and
// DescribeLogGroups' `arn` name it with ":*" after).
std::string log_group_arn(const ArnScope& arns, std::string_view name);

// Returns a size as Docker writes it ("512", "64k", "1m", "2g"; case-insensitive) in bytes, or
// nothing when it is malformed or zero.
std::optional<std::size_t> parse_docker_size(std::string_view text);

}  // namespace berth::model
