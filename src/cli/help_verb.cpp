// `berth help [VERB]` (also --help, -h): the overview, or one verb's usage.
#include <iostream>

#include "cli/usage.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int help_verb(const Words& words) {
  if (!words.empty() && !verb_usage(words.front()).empty()) {
    std::cout << verb_usage(words.front());
  } else {
    std::cout << overview_usage();
  }
  return 0;
}

}  // namespace berth::cli
