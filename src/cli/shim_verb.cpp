// `berth shim ...` (internal): berth re-executed by the runtime as one container's monitor, or
// `berth shim --spare`, one started ahead of need and handed its container on fd 3.
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "runtime/shim/shim.hpp"
#include "runtime/shim/spare_shim.hpp"

namespace berth::cli {

int shim_verb(const Words& words) {
  if (words.size() == 1 && words.front() == "--spare") return runtime::run_spare_shim(3);
  auto options = runtime::parse_shim_args(words);
  if (!options) return usage_error(options.error().message, "");
  return runtime::run_shim(*options);
}

}  // namespace berth::cli
