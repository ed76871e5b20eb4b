// `berth events [SERVICE] [--follow]`: the services' events (placements, steady states,
// deployments, failures) oldest first, of one service or all; --follow keeps printing new ones
// until Ctrl-C. --output json prints {"events": [...]}, or one object a line when following.
#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include "cli/ecs_client.hpp"
#include "cli/json_fields.hpp"
#include "cli/resource_lookup.hpp"
#include "cli/service_table.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

constexpr auto k_poll_interval = std::chrono::seconds(2);

Result<std::vector<model::Json>> read_services(const EcsClient& ecs, const std::string& service) {
  if (service.empty()) return ecs.services();
  BERTH_ASSIGN(auto found, ecs.describe_services({service}));
  if (found.empty()) return fail(Code::service_not_found, "service " + service + " is gone");
  return found;
}

model::Json event_json(const ServiceEvent& event) {
  return {{"createdAt", epoch_seconds(event.at)}, {"service", event.service}, {"id", event.id}, {"message", event.message}};
}

}  // namespace

int events_verb(const Words& words) {
  auto setup = setup_verb(words, "events", {}, {"follow"});
  if (!setup) return setup.error();
  if (setup->args.positional.size() > 1) return usage_error("events takes at most one SERVICE", "events");
  const bool follow = setup->args.flags.contains("follow");
  const EcsClient ecs(setup->config, setup->api);
  // The service's full name once, from a prefix as any other verb takes it.
  std::string service;
  if (!setup->args.positional.empty()) {
    auto found = find_service(ecs, setup->args.positional.front());
    if (!found) return report_failure(found.error());
    service = text_member(*found, "serviceName");
  }
  // The ids in the last reply: ECS keeps each service's latest events only, so this set is
  // bounded by what one reply holds, and an id once dropped never comes back.
  std::set<std::string> shown;
  model::Json collected = model::Json::array();
  while (true) {
    auto services = read_services(ecs, service);
    if (!services) return report_failure(services.error());
    std::set<std::string> visible;
    for (const ServiceEvent& event : service_events(*services)) {
      visible.insert(event.service + "/" + event.id);
      if (shown.contains(event.service + "/" + event.id)) continue;
      if (setup->output == Output::table) {
        std::cout << format_event(event, setup->colouring);
      } else if (follow) {
        std::cout << event_json(event).dump() << "\n";
      } else {
        collected.push_back(event_json(event));
      }
    }
    std::cout.flush();
    if (!follow) break;
    shown = std::move(visible);
    std::this_thread::sleep_for(k_poll_interval);
  }
  if (setup->output == Output::json) print_json({{"events", collected}});
  return 0;
}

}  // namespace berth::cli
