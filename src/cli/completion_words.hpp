// The words shell completion offers: berth's verbs, each verb's flags, and the script that
// offers them (bash's complete -F; zsh through bashcompinit). Pure data; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::cli {

struct VerbWords {
  std::string_view verb;
  std::string_view flags;      // space-separated, as typed ("--all --output")
  std::string_view arguments;  // what its arguments are: "tasks", "services", a word list, or ""
};

// Every verb a person types (not the internal shim and init), in the order `berth help` lists them.
const std::vector<VerbWords>& completion_words();

enum class Shell { bash, zsh };

// The completion script for `shell`.
std::string completion_script(Shell shell);

}  // namespace berth::cli
