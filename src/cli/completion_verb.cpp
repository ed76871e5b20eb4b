// `berth completion bash|zsh`: a completion script for the shell (`source <(berth completion
// bash)`, or into /etc/bash_completion.d/berth): verbs, each verb's flags, and task ids and
// service names asked of the daemon while completing (`berth ps -q`, `berth services -q`). zsh
// runs the same function through its bashcompinit.
#include <iostream>

#include "cli/completion_words.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int completion_verb(const Words& words) {
  if (words.size() == 1 && (words[0] == "--help" || words[0] == "-h")) {
    std::cout << verb_usage("completion");
    return 0;
  }
  if (words.size() != 1 || (words[0] != "bash" && words[0] != "zsh")) {
    return usage_error("completion takes bash or zsh", "completion");
  }
  std::cout << completion_script(words[0] == "zsh" ? Shell::zsh : Shell::bash);
  return 0;
}

}  // namespace berth::cli
