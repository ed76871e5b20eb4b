// `berth instances`: the cluster's container instances (this gateway and those that joined) as a
// table, or --output json as DescribeContainerInstances.
#include "cli/ecs_client.hpp"
#include "cli/instance_table.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int instances_verb(const Words& words) {
  auto setup = setup_verb(words, "instances");
  if (!setup) return setup.error();
  if (!setup->args.positional.empty()) return usage_error("instances takes no arguments", "instances");
  auto instances = EcsClient(setup->config, setup->api).instances();
  if (!instances) return report_failure(instances.error());
  print_list(*setup, "containerInstances", *instances, format_instance_table);
  return 0;
}

}  // namespace berth::cli
