#include "cli/ecs_client.hpp"

#include "cli/json_fields.hpp"

namespace berth::cli {
namespace {

constexpr std::string_view k_ecs_target = "AmazonEC2ContainerServiceV20141113.";
constexpr std::size_t k_max_listed = 10'000;

// Describes `names` in batches of `batch` (ECS's limit per call), appending `member`'s entries.
Result<std::vector<model::Json>> describe_batched(const EcsClient& client, std::string_view action,
                                                  const std::string& names_member, const std::vector<std::string>& names,
                                                  std::size_t batch, const char* member, model::Json extra = {}) {
  std::vector<model::Json> out;
  for (std::size_t i = 0; i < names.size(); i += batch) {
    model::Json request = extra.is_object() ? extra : model::Json::object();
    request[names_member] = std::vector<std::string>(names.begin() + static_cast<std::ptrdiff_t>(i),
                                                     names.begin() + static_cast<std::ptrdiff_t>(std::min(names.size(), i + batch)));
    BERTH_ASSIGN(const auto reply, client.call(action, client.on_cluster(std::move(request))));
    for (const auto& entry : reply.value(member, model::Json::array())) out.push_back(entry);
  }
  return out;
}

}  // namespace

Result<model::Json> EcsClient::call(std::string_view action, const model::Json& request) const {
  return m_api.post(std::string(k_ecs_target) + std::string(action), request);
}

model::Json EcsClient::on_cluster(model::Json request) const {
  request["cluster"] = m_config.cluster;
  return request;
}

Result<std::vector<std::string>> EcsClient::list_all(std::string_view action, model::Json request,
                                                     std::string_view member) const {
  std::vector<std::string> out;
  while (out.size() < k_max_listed) {
    BERTH_ASSIGN(const auto reply, call(action, request));
    for (const auto& arn : reply.value(std::string(member), model::Json::array())) {
      if (arn.is_string()) out.push_back(arn.get<std::string>());
    }
    const std::string next = text_member(reply, "nextToken");
    if (next.empty()) break;
    request["nextToken"] = next;
  }
  return out;
}

Result<std::vector<model::Json>> EcsClient::tasks(Stopped stopped, const std::string& service) const {
  model::Json request = on_cluster(model::Json::object());
  if (!service.empty()) request["serviceName"] = service;
  BERTH_ASSIGN(auto arns, list_all("ListTasks", request, "taskArns"));
  if (stopped == Stopped::include) {
    request["desiredStatus"] = "STOPPED";
    BERTH_ASSIGN(const auto gone, list_all("ListTasks", request, "taskArns"));
    arns.insert(arns.end(), gone.begin(), gone.end());
  }
  return describe_tasks(arns);
}

Result<std::vector<model::Json>> EcsClient::describe_tasks(const std::vector<std::string>& arns) const {
  return describe_batched(*this, "DescribeTasks", "tasks", arns, 100, "tasks", {{"include", {"TAGS"}}});
}

Result<std::vector<model::Json>> EcsClient::services() const {
  BERTH_ASSIGN(const auto arns, list_all("ListServices", on_cluster(model::Json::object()), "serviceArns"));
  return describe_services(arns);
}

Result<std::vector<model::Json>> EcsClient::describe_services(const std::vector<std::string>& names) const {
  return describe_batched(*this, "DescribeServices", "services", names, 10, "services");
}

Result<std::vector<model::Json>> EcsClient::instances() const {
  BERTH_ASSIGN(const auto arns,
               list_all("ListContainerInstances", on_cluster(model::Json::object()), "containerInstanceArns"));
  return describe_batched(*this, "DescribeContainerInstances", "containerInstances", arns, 100, "containerInstances");
}

}  // namespace berth::cli
