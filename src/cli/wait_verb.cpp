// `berth wait services-stable SERVICE [--timeout 10m]`: waits, showing the rollout's progress,
// until the service has one deployment and as many running tasks as desired (the condition of
// `aws ecs wait services-stable`); exit 1 when a deployment fails or time runs out.
#include "cli/resource_lookup.hpp"
#include "cli/json_fields.hpp"
#include "cli/rollout_watch.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int wait_verb(const Words& words) {
  auto setup = setup_verb(words, "wait", {"timeout"});
  if (!setup) return setup.error();
  const auto& positional = setup->args.positional;
  if (positional.size() != 2 || positional[0] != "services-stable") {
    return usage_error("wait takes services-stable SERVICE", "wait");
  }
  const auto timeout = timeout_flag(*setup, "wait");
  if (!timeout) return timeout.error();
  const EcsClient ecs(setup->config, setup->api);
  auto service = find_service(ecs, positional[1]);
  if (!service) return report_failure(service.error());
  return watch_rollout(ecs, text_member(*service, "serviceName"), "", SystemClock().now_ms(), *timeout);
}

}  // namespace berth::cli
