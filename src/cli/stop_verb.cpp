// `berth stop ID [--reason TEXT]`: stops a task (ECS StopTask: SIGTERM, then SIGKILL after its
// stop timeout), found by id, short id or ARN. A service's task is replaced by its service.
#include "cli/json_fields.hpp"
#include "cli/resource_lookup.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int stop_verb(const Words& words) {
  auto setup = setup_verb(words, "stop", {"reason"});
  if (!setup) return setup.error();
  if (setup->args.positional.size() != 1) {
    return usage_error("stop takes one task ID (`berth ps` lists them)", "stop");
  }
  const EcsClient ecs(setup->config, setup->api);
  auto task = find_task(ecs, setup->args.positional.front(), EcsClient::Stopped::exclude);
  if (!task) return report_failure(task.error());
  const std::string why = flag_value(*setup, "reason", "Task stopped by berth stop");
  auto stopped = ecs.call("StopTask", ecs.on_cluster({{"task", task->arn}, {"reason", why}}));
  if (!stopped) return report_failure(stopped.error());
  print_reply(*setup, *stopped, task->id);
  return 0;
}

}  // namespace berth::cli
