#include "cli/schedule_reads.hpp"

#include "api/local_client.hpp"
#include "cli/json_fields.hpp"

namespace berth::cli {

namespace {
constexpr int k_max_pages = 100;  // 100 pages of 100: far more schedules than a gateway holds
}  // namespace

Result<std::vector<model::Json>> schedule_summaries(const ApiConnection& connection, const std::string& group) {
  std::vector<model::Json> out;
  std::string next;
  for (int page = 0; page < k_max_pages; ++page) {
    std::string path = "/schedules?MaxResults=100";
    if (!group.empty()) path += "&ScheduleGroup=" + api::url_encode(group);
    if (!next.empty()) path += "&NextToken=" + api::url_encode(next);
    BERTH_ASSIGN(const auto listed, connection.get(path, "scheduler"));
    for (const auto& summary : array_member(listed, "Schedules")) out.push_back(summary);
    next = text_member(listed, "NextToken");
    if (next.empty()) break;
  }
  return out;
}

Result<model::Json> get_schedule(const ApiConnection& connection, const std::string& group, const std::string& name) {
  return connection.get("/schedules/" + api::url_encode(name) + "?groupName=" + api::url_encode(group), "scheduler");
}

}  // namespace berth::cli
