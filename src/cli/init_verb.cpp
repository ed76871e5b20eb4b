// `berth init -- CMD...`: berth's binary as a container's init (linuxParameters.initProcessEnabled;
// the runtime binds it read-only at /.berth/init). `berth init --hold-namespaces` (internal): the
// runtime starts a task's namespace holder with it, fd 3 open for the holder's pid.
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "runtime/linux/init_process.hpp"
#include "runtime/linux/task_namespaces.hpp"

namespace berth::cli {

int init_verb(const Words& words) {
  if (words.size() == 1 && words.front() == "--hold-namespaces") return runtime::run_namespace_holder(3);
  if (words.empty() || words.front() != "--") return usage_error("init: expected -- CMD [ARG...]", "");
  return runtime::run_init({words.begin() + 1, words.end()});
}

}  // namespace berth::cli
