// Command-line flags of the berth verbs: `--name value` or `--name=value`, each verb with its
// own allowed set. Pure; thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace berth::cli {

struct ParsedArgs {
  std::map<std::string, std::string> flags;  // name without dashes -> value
  std::vector<std::string> positional;
  bool help = false;                          // --help or -h was given
};

// Parses `args` (the words after the verb). Flags in `boolean_flags` take no value.
// Returns InvalidParameter for an unknown flag or a missing value.
[[nodiscard]] Result<ParsedArgs> parse_args(const std::vector<std::string>& args,
                                            const std::set<std::string>& value_flags,
                                            const std::set<std::string>& boolean_flags = {});

}  // namespace berth::cli
