// Docker's logging "extra attributes": the log options labels, labels-regex, env and env-regex
// pick container labels (an ECS container's dockerLabels and com.amazonaws.ecs.* labels) and
// environment variables whose values go with every log message (journald: extra journal fields;
// json-file: a line's attrs; any driver: a tag's {{(.ExtraAttributes nil).KEY}}). Checked at
// RegisterTaskDefinition, applied by the agent when it builds the container. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace berth::model {

struct LogAttributeOptions {
  std::vector<std::string> labels;  // labels: comma-separated keys
  std::string labels_regex;         // labels-regex ("" = none)
  std::vector<std::string> env;     // env: comma-separated variable names
  std::string env_regex;            // env-regex ("" = none)
  bool empty() const { return labels.empty() && labels_regex.empty() && env.empty() && env_regex.empty(); }
};

// Sets `out` from one labels, labels-regex, env or env-regex value. Returns false when `key` is
// none of those; ClientException naming the option for a regular expression berth will not run
// (not valid, or one common/tame_regex refuses).
[[nodiscard]] Result<bool> set_log_attribute_option(LogAttributeOptions& out, const std::string& key, const std::string& value);

enum class AttributeKeys { as_named, journald };

// The attributes as Docker's ExtraAttributes builds them: the labels named, those matching
// labels-regex, the variables named, those matching env-regex (a regex matches anywhere in the
// key, as Go's MatchString), each later one winning over an earlier of the same key, so env wins
// over labels. `env` is the container's "NAME=value" list. With AttributeKeys::journald the keys
// are journald_field_name()s and a key that maps to no valid field is left out. Options checked by
// set_log_attribute_option (a regex that no longer compiles selects nothing).
std::map<std::string, std::string> log_extra_attributes(const LogAttributeOptions& options,
                                                        const std::map<std::string, std::string>& labels,
                                                        const std::vector<std::string>& env, AttributeKeys keys);

// A key as Docker's journald driver names its field: letters upper-cased, any other character
// but a digit or A-Z an underscore, and leading underscores dropped ("com.example.tier" ->
// "COM_EXAMPLE_TIER", "_x" -> "X").
std::string journald_field_name(std::string_view key);

}  // namespace berth::model
