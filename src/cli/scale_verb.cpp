// `berth scale SERVICE N`: sets a service's desired count (ECS UpdateService); the scheduler
// starts or stops tasks to match. `berth wait services-stable SERVICE` follows it.
#include "cli/ecs_client.hpp"
#include "cli/json_fields.hpp"
#include "cli/resource_lookup.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"
#include "common/numbers.hpp"

namespace berth::cli {

// ECS's own bound on desiredCount.
constexpr int k_max_desired_count = 100'000;

int scale_verb(const Words& words) {
  auto setup = setup_verb(words, "scale");
  if (!setup) return setup.error();
  const auto& positional = setup->args.positional;
  if (positional.size() != 2) return usage_error("scale takes SERVICE N", "scale");
  const auto count = parse_integer_in<int>(positional[1], 0, k_max_desired_count);
  if (!count) {
    return usage_error("'" + positional[1] + "' is no task count; give a whole number from 0 to 100000", "scale");
  }
  const EcsClient ecs(setup->config, setup->api);
  auto service = find_service(ecs, positional[0]);
  if (!service) return report_failure(service.error());
  const std::string name = text_member(*service, "serviceName");
  auto updated = ecs.call("UpdateService", ecs.on_cluster({{"service", name}, {"desiredCount", *count}}));
  if (!updated) return report_failure(updated.error());
  print_reply(*setup, *updated,
              name + ": desired " + std::to_string(integer_member(*service, "desiredCount")) + " -> " + std::to_string(*count));
  return 0;
}

}  // namespace berth::cli
