// `berth schedules [--group NAME]`: the EventBridge Scheduler schedules on this gateway with their
// next and last runs, read over the unix socket or --endpoint (ListSchedules, then GetSchedule for each: the
// summaries lack the runs); --output json prints the GetSchedule replies.
#include "cli/instance_table.hpp"
#include "cli/json_fields.hpp"
#include "cli/schedule_reads.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

Result<std::vector<model::Json>> read_schedules(const ApiConnection& connection, const std::string& group) {
  BERTH_ASSIGN(const auto summaries, schedule_summaries(connection, group));
  std::vector<model::Json> out;
  for (const auto& summary : summaries) {
    BERTH_ASSIGN(auto schedule, get_schedule(connection, text_member(summary, "GroupName"), text_member(summary, "Name")));
    out.push_back(std::move(schedule));
  }
  return out;
}

}  // namespace

int schedules_verb(const Words& words) {
  auto setup = setup_verb(words, "schedules", {"group"});
  if (!setup) return setup.error();
  if (!setup->args.positional.empty()) return usage_error("schedules takes no arguments", "schedules");
  auto schedules = read_schedules(setup->api, flag_value(*setup, "group"));
  if (!schedules) return report_failure(schedules.error());
  print_list(*setup, "Schedules", *schedules, format_schedule_table);
  return 0;
}

}  // namespace berth::cli
