// `berth version` (also --version): the version line of this build.
#include <iostream>

#include "cli/usage.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int version_verb(const Words& words) {
  if (!words.empty() && (words.front() == "--help" || words.front() == "-h")) {
    std::cout << verb_usage("version");
    return 0;
  }
  std::cout << version_line() << "\n";
  return 0;
}

}  // namespace berth::cli
