// `berth services [-q|--quiet]`: the cluster's services as a table (desired, running and pending
// tasks, the rollout of the primary deployment, the latest event), or --output json as
// DescribeServices; --quiet prints the names alone (for completion and scripts).
#include <iostream>

#include "cli/ecs_client.hpp"
#include "cli/json_fields.hpp"
#include "cli/service_table.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int services_verb(const Words& words) {
  Words spelled = words;
  // -q as ps takes it: the completion scripts ask `berth services -q` for the names.
  for (auto& word : spelled) {
    if (word == "-q") word = "--quiet";
  }
  auto setup = setup_verb(spelled, "services", {}, {"quiet"});
  if (!setup) return setup.error();
  if (!setup->args.positional.empty()) {
    return usage_error("services takes no arguments (berth describe SERVICE shows one)", "services");
  }
  auto services = EcsClient(setup->config, setup->api).services();
  if (!services) return report_failure(services.error());
  if (setup->output == Output::table && setup->args.flags.contains("quiet")) {
    for (const auto& service : *services) std::cout << text_member(service, "serviceName") << "\n";
    return 0;
  }
  print_list(*setup, "services", *services, format_service_table);
  return 0;
}

}  // namespace berth::cli
