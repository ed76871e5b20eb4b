// `berth deploy SERVICE [--image IMG] [--container NAME] [--timeout 10m] [--no-wait]`: registers
// the service's next revision (its current definition, with the new image when given), points
// the service at it (UpdateService: a rolling deployment within the service's
// minimumHealthyPercent/maximumPercent) and follows the rollout live until it completes (exit 0)
// or fails, is rolled back by the circuit breaker or times out (exit 1).
#include "cli/json_fields.hpp"
#include "cli/resource_lookup.hpp"
#include "cli/revision_request.hpp"
#include "cli/rollout_watch.hpp"
#include "cli/task_table.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
int deploy_verb(const Words& words) {
  auto setup = setup_verb(words, "deploy", {"image", "container", "timeout"}, {"no-wait"});
  if (!setup) return setup.error();
  if (setup->args.positional.size() != 1) return usage_error("deploy takes one SERVICE", "deploy");
  const auto timeout = timeout_flag(*setup, "deploy");
  if (!timeout) return timeout.error();
  const EcsClient ecs(setup->config, setup->api);
  auto service = find_service(ecs, setup->args.positional.front());
  if (!service) return report_failure(service.error());
  const std::string name = text_member(*service, "serviceName");
  const std::string current = text_member(*service, "taskDefinition");
  auto described = ecs.call("DescribeTaskDefinition", {{"taskDefinition", current}, {"include", {"TAGS"}}});
  if (!described) return report_failure(described.error());
  auto request = next_revision_request(*described, flag_value(*setup, "image"), flag_value(*setup, "container"));
  if (!request) return report_failure(request.error());
  auto registered = ecs.call("RegisterTaskDefinition", *request);
  if (!registered) return report_failure(registered.error(), "the new revision was refused; nothing was deployed");
  const std::string target = text_member((*registered)["taskDefinition"], "taskDefinitionArn");
  const EpochMs since = SystemClock().now_ms();  // the events this deployment causes, none before
  auto updated = ecs.call("UpdateService", ecs.on_cluster({{"service", name}, {"taskDefinition", target}}));
  if (!updated) return report_failure(updated.error());
  print_reply(*setup, *updated, name + ": " + family_revision(current) + " -> " + family_revision(target));
  if (setup->args.flags.contains("no-wait")) return 0;
  return watch_rollout(ecs, name, target, since, *timeout);
}

}  // namespace berth::cli
