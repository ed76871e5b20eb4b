// Composition root: picks the verb; each verb (src/*.cpp) builds the parts it needs.
#include <iostream>
#include <string>
#include <vector>

#include "cli/usage.hpp"
#include "runtime/shim/shim.hpp"
#include "verbs.hpp"

int main(int argc, char** argv) {
  using namespace berth;
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) return verbs::usage_error("missing verb", "");
  const std::string verb = words.front();
  words.erase(words.begin());
  if (verb == "--help" || verb == "-h" || verb == "help") {
    if (!words.empty() && !cli::verb_usage(words.front()).empty()) {
      std::cout << cli::verb_usage(words.front());
    } else {
      std::cout << cli::overview_usage();
    }
    return 0;
  }
  if (verb == "--version" || verb == "version") {
    if (!words.empty() && (words.front() == "--help" || words.front() == "-h")) {
      std::cout << cli::verb_usage("version");
      return 0;
    }
    std::cout << cli::version_line() << "\n";
    return 0;
  }
  if (verb == "serve") return verbs::serve(words);
  if (verb == "image") return verbs::image(words);
  if (verb == "logs") return verbs::logs(words);
  if (verb == "key") return verbs::key(words);
  if (verb == "info") return verbs::info(words);
  if (verb == "doctor") return verbs::doctor(words);
  if (verb == "shim") {
    // Internal: berth re-executed as a container's monitor by the runtime.
    auto options = runtime::parse_shim_args(words);
    if (!options) return verbs::usage_error(options.error().message, "");
    return runtime::run_shim(*options);
  }
  return verbs::usage_error("unknown verb '" + verb + "'", "");
}
