// `berth describe ARN|ID|NAME`: one task, service, task definition, container instance or
// schedule, found by its ARN, id, name or an unambiguous prefix; shown as indented text with
// times in UTC and their age, or with --output json as the API describes it.
#include <iostream>

#include "cli/json_text.hpp"
#include "cli/resource_lookup.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {

int describe_verb(const Words& words) {
  auto setup = setup_verb(words, "describe");
  if (!setup) return setup.error();
  if (setup->args.positional.size() != 1) {
    return usage_error("describe takes one ARN, ID or NAME", "describe");
  }
  const EcsClient ecs(setup->config, setup->api);
  auto found = find_resource(ecs, setup->args.positional.front());
  if (!found) return report_failure(found.error());
  auto described = describe_resource(ecs, *found);
  if (!described) return report_failure(described.error());
  if (setup->output == Output::json) {
    print_json(*described);
    return 0;
  }
  std::cout << paint(found->kind + " " + found->id, Colour::dim, setup->colouring) << "\n"
            << format_json_text(*described, SystemClock().now_ms());
  return 0;
}

}  // namespace berth::cli
