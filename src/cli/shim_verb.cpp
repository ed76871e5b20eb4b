// `berth shim ...` (internal): berth re-executed by the runtime as one container's monitor.
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::cli {

int shim_verb(const Words& words) {
  auto options = runtime::parse_shim_args(words);
  if (!options) return usage_error(options.error().message, "");
  return runtime::run_shim(*options);
}

}  // namespace berth::cli
