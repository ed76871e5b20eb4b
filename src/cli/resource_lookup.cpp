#include "cli/resource_lookup.hpp"

#include "cli/json_fields.hpp"
#include "cli/schedule_reads.hpp"
#include "cli/task_table.hpp"

namespace berth::cli {
namespace {

constexpr std::string_view k_task_hint = "`berth ps --all` lists the tasks";

std::vector<Candidate> task_candidates(const std::vector<model::Json>& tasks) {
  std::vector<Candidate> out;
  for (const auto& task : tasks) {
    const std::string arn = text_member(task, "taskArn");
    out.push_back({"task", std::string(last_arn_part(arn)), arn,
                   family_revision(text_member(task, "taskDefinitionArn")) + " " + text_member(task, "lastStatus")});
  }
  return out;
}

// The kind of an ARN from its resource part: "arn:aws:ecs:R:A:task/c/id" is a task.
std::string kind_of_arn(std::string_view arn) {
  const std::pair<std::string_view, std::string_view> k_kinds[] = {
      {":task/", "task"}, {":service/", "service"}, {":task-definition/", "task definition"},
      {":container-instance/", "container instance"}, {":schedule/", "schedule"}};
  for (const auto& [marker, kind] : k_kinds) {
    if (arn.find(marker) != std::string_view::npos) return std::string(kind);
  }
  return "";
}

}  // namespace

Result<Candidate> find_task(const EcsClient& ecs, const std::string& word, EcsClient::Stopped stopped) {
  if (kind_of_arn(word) == "task") return Candidate{"task", std::string(last_arn_part(word)), word, ""};
  BERTH_ASSIGN(const auto tasks, ecs.tasks(stopped));
  return resolve_prefix(word, task_candidates(tasks), "task",
                        stopped == EcsClient::Stopped::include ? k_task_hint : "`berth ps` lists the running tasks");
}

Result<std::string> task_reference(const EcsClient& ecs, const std::string& word, EcsClient::Stopped stopped) {
  constexpr std::size_t k_task_id_length = 32;
  if (word.starts_with("arn:") || word.size() >= k_task_id_length) return word;
  BERTH_ASSIGN(const auto task, find_task(ecs, word, stopped));
  return task.arn;
}

Result<model::Json> find_service(const EcsClient& ecs, const std::string& word) {
  BERTH_ASSIGN(const auto services, ecs.services());
  std::vector<Candidate> candidates;
  for (const auto& service : services) {
    const std::string arn = text_member(service, "serviceArn");
    if (arn == word) return service;
    candidates.push_back({"service", text_member(service, "serviceName"), arn, ""});
  }
  BERTH_ASSIGN(const Candidate found, resolve_prefix(word, candidates, "service", "`berth services` lists them"));
  for (const auto& service : services) {
    if (text_member(service, "serviceArn") == found.arn) return service;
  }
  return fail(Code::service_not_found, "service " + word + " went away meanwhile");
}

Result<Candidate> find_resource(const EcsClient& ecs, const std::string& word) {
  if (word.starts_with("arn:")) {
    const std::string kind = kind_of_arn(word);
    if (kind.empty()) return fail(Code::invalid_parameter, "berth cannot describe " + word + "; give a task, service, task definition, instance or schedule");
    // Shown as the other ways of naming it are: "task 0f1e...", "service web".
    return Candidate{kind, std::string(last_arn_part(word)), word, ""};
  }
  // Exact names first in this order when kinds share one (a service and the family it runs).
  std::vector<Candidate> candidates;
  BERTH_ASSIGN(const auto services, ecs.services());
  for (const auto& s : services) candidates.push_back({"service", text_member(s, "serviceName"), text_member(s, "serviceArn"), ""});
  BERTH_ASSIGN(const auto tasks, ecs.tasks(EcsClient::Stopped::include));
  for (auto& c : task_candidates(tasks)) candidates.push_back(std::move(c));
  if (auto td = ecs.call("DescribeTaskDefinition", {{"taskDefinition", word}})) {
    const std::string arn = text_member((*td)["taskDefinition"], "taskDefinitionArn");
    candidates.push_back({"task definition", word, arn, family_revision(arn)});
  }
  BERTH_ASSIGN(const auto instances, ecs.instances());
  for (const auto& i : instances) {
    const std::string arn = text_member(i, "containerInstanceArn");
    candidates.push_back({"container instance", std::string(last_arn_part(arn)), arn, text_member(i, "status")});
  }
  BERTH_ASSIGN(const auto schedules, schedule_summaries(ecs.api()));
  for (const auto& s : schedules) {
    candidates.push_back({"schedule", text_member(s, "Name"), text_member(s, "Arn"), text_member(s, "GroupName")});
  }
  return resolve_prefix(word, candidates, "resource",
                        "`berth ps --all`, `berth services` and `berth instances` list what there is");
}

Result<model::Json> describe_resource(const EcsClient& ecs, const Candidate& found) {
  const auto first = [&](const model::Json& reply, const char* member) -> Result<model::Json> {
    const auto& entries = array_member(reply, member);
    if (entries.empty()) return fail(Code::client, "no " + found.kind + " " + found.arn + " in cluster " + ecs.config().cluster);
    return entries.front();
  };
  if (found.kind == "task") {
    BERTH_ASSIGN(const auto reply, ecs.call("DescribeTasks", ecs.on_cluster({{"tasks", {found.arn}}, {"include", {"TAGS"}}})));
    return first(reply, "tasks");
  }
  if (found.kind == "service") {
    BERTH_ASSIGN(const auto reply, ecs.call("DescribeServices", ecs.on_cluster({{"services", {found.arn}}})));
    return first(reply, "services");
  }
  if (found.kind == "container instance") {
    BERTH_ASSIGN(const auto reply,
                 ecs.call("DescribeContainerInstances", ecs.on_cluster({{"containerInstances", {found.arn}}})));
    return first(reply, "containerInstances");
  }
  if (found.kind == "task definition") {
    return ecs.call("DescribeTaskDefinition", {{"taskDefinition", found.arn}, {"include", {"TAGS"}}});
  }
  if (found.kind != "schedule") return fail(Code::invalid_parameter, "berth cannot describe a " + found.kind);
  // A schedule: arn:aws:scheduler:R:A:schedule/GROUP/NAME.
  const std::string_view rest = std::string_view(found.arn).substr(found.arn.find(":schedule/") + 10);
  const auto slash = rest.find('/');
  const std::string group(rest.substr(0, slash));
  const std::string name(slash == std::string_view::npos ? rest : rest.substr(slash + 1));
  return get_schedule(ecs.api(), group, name);
}

}  // namespace berth::cli
