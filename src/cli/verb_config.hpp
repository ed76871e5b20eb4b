// What the verbs share: the config flags, loading the configuration they name, and the usage
// error every verb answers bad words with. Pure but for reading the config file; thread-safe.
#pragma once

#include <expected>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/flags.hpp"
#include "common/config.hpp"
#include "common/result.hpp"

namespace berth::cli {

// Prints `message` and the verb's usage to stderr; returns exit code 2.
int usage_error(const std::string& message, std::string_view verb);

// Loads the config file (--config, else /etc/berth/berth.conf if present) and applies the
// flags that map onto config keys.
[[nodiscard]] Result<Config> load_config(const ParsedArgs& args);

// The config flags every verb that touches state accepts.
std::set<std::string> config_flags();

// For a verb that takes the config flags and no arguments (serve, info, doctor): returns its
// Config, or the exit code to return at once (0 after printing --help, 2 after a usage error).
[[nodiscard]] std::expected<Config, int> config_of_verb(const std::vector<std::string>& words, std::string_view verb);

}  // namespace berth::cli
