// `berth ps [--all] [--service NAME] [--quiet]`: the cluster's tasks as a table (short id,
// family:revision, status, health, ports, started, group), or --output json as DescribeTasks.
#include <iostream>

#include "cli/ecs_client.hpp"
#include "cli/id_prefix.hpp"
#include "cli/json_fields.hpp"
#include "cli/task_table.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int ps_verb(const Words& words) {
  Words spelled = words;
  // docker's short spellings, which fingers type anyway.
  for (auto& word : spelled) {
    if (word == "-a") word = "--all";
    if (word == "-q") word = "--quiet";
  }
  auto setup = setup_verb(spelled, "ps", {"service"}, {"all", "quiet"});
  if (!setup) return setup.error();
  if (!setup->args.positional.empty()) return usage_error("ps takes no arguments", "ps");
  const EcsClient ecs(setup->config, setup->api);
  auto tasks = ecs.tasks(setup->args.flags.contains("all") ? EcsClient::Stopped::include : EcsClient::Stopped::exclude,
                         flag_value(*setup, "service"));
  if (!tasks) return report_failure(tasks.error());
  if (setup->output == Output::table && setup->args.flags.contains("quiet")) {
    for (const auto& task : *tasks) std::cout << last_arn_part(text_member(task, "taskArn")) << "\n";
    return 0;
  }
  print_list(*setup, "tasks", *tasks, format_task_table);
  return 0;
}

}  // namespace berth::cli
