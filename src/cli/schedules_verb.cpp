// `berth schedules [--group NAME]`: the EventBridge Scheduler schedules on this gateway with their
// next and last runs, read over the unix socket (ListSchedules, then GetSchedule for each: the
// summaries lack the runs); --output json prints the GetSchedule replies.
#include <iostream>

#include "api/local_client.hpp"
#include "cli/daemon_call.hpp"
#include "cli/instance_table.hpp"
#include "cli/json_fields.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

constexpr int k_max_pages = 100;  // 100 pages of 100: far more schedules than a gateway holds

Result<std::vector<model::Json>> read_schedules(const std::string& socket, const std::string& group) {
  std::vector<model::Json> out;
  std::string next;
  for (int page = 0; page < k_max_pages; ++page) {
    std::string path = "/schedules?MaxResults=100";
    if (!group.empty()) path += "&ScheduleGroup=" + api::url_encode(group);
    if (!next.empty()) path += "&NextToken=" + api::url_encode(next);
    BERTH_ASSIGN(const auto listed, daemon_get(socket, path));
    for (const auto& summary : array_member(listed, "Schedules")) {
      BERTH_ASSIGN(auto schedule, daemon_get(socket, "/schedules/" + api::url_encode(text_member(summary, "Name")) +
                                                         "?groupName=" + api::url_encode(text_member(summary, "GroupName"))));
      out.push_back(std::move(schedule));
    }
    next = text_member(listed, "NextToken");
    if (next.empty()) break;
  }
  return out;
}

}  // namespace

int schedules_verb(const Words& words) {
  auto setup = setup_verb(words, "schedules", {"group"});
  if (!setup) return setup.error();
  if (!setup->args.positional.empty()) return usage_error("schedules takes no arguments", "schedules");
  auto schedules = read_schedules(setup->config.socket_path, flag_value(*setup, "group"));
  if (!schedules) return report_failure(schedules.error());
  print_list(*setup, "Schedules", *schedules, format_schedule_table);
  return 0;
}

}  // namespace berth::cli
