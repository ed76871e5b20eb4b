#include "model/task_requests.hpp"

#include "model/cluster_snapshot_codec.hpp"
#include "model/ephemeral_storage.hpp"
#include "model/gpu_requirements.hpp"
#include "model/request_members.hpp"
#include "model/task_definition_fields.hpp"
#include "model/units.hpp"

namespace berth::model {
namespace {

// The overrides with their task cpu and memory in the units tasks store ("1 vCPU" → "1024").
Result<Json> normalized_overrides(Json overrides) {
  BERTH_TRY(check_override_support(overrides));
  if (overrides.contains("ephemeralStorage")) {
    BERTH_TRY(check_ephemeral_storage(overrides["ephemeralStorage"], "overrides.ephemeralStorage"));
  }
  for (const auto& c : overrides.value("containerOverrides", Json::array())) {
    if (auto gpus = gpu_count(c.value("resourceRequirements", Json::array())); !gpus) {
      return fail(Code::client, "overrides.containerOverrides." + gpus.error().message);
    }
  }
  if (overrides.contains("cpu")) {
    BERTH_ASSIGN(auto cpu, normalize_task_cpu(overrides["cpu"].get<std::string>()));
    overrides["cpu"] = cpu;
  }
  if (overrides.contains("memory")) {
    BERTH_ASSIGN(auto memory, normalize_task_memory(overrides["memory"].get<std::string>()));
    overrides["memory"] = memory;
  }
  return overrides;
}

// Launch settings a gateway can never provide (accepted silently before): why `key` = `value` is
// refused, or empty.
std::string launch_refusal(std::string_view key, const Json& value) {
  if (key == "launchType" && value.is_string() && value != "EC2" && value != "EXTERNAL") {
    return "launchType " + value.get<std::string>() +
           " is not supported: berth runs tasks on its own container instances (EC2, EXTERNAL).";
  }
  if (key == "volumeConfigurations" && value.is_array() && !value.empty()) {
    return "volumeConfigurations is not supported: berth attaches no EBS volumes.";
  }
  return "";
}

Result<TaskLaunch> decode_task_launch(const Json& body) {
  TaskLaunch launch;
  launch.cluster = optional_string(body, "cluster");
  launch.task_definition = body["taskDefinition"].get<std::string>();
  launch.started_by = body.value("startedBy", "");
  if (launch.started_by.size() > 128) return fail(Code::invalid_parameter, "startedBy is limited to 128 characters.");
  BERTH_TRY(check_launch_settings(body));
  BERTH_ASSIGN(launch.capacity, read_launch_capacity(body));
  launch.enable_execute_command = body.value("enableExecuteCommand", false);
  launch.group = body.value("group", "");
  if (launch.group.size() > 255) return fail(Code::invalid_parameter, "group is limited to 255 characters.");
  BERTH_ASSIGN(launch.overrides, normalized_overrides(body.value("overrides", Json::object())));
  launch.placement_constraints = placement_constraints_of(body.value("placementConstraints", Json::array()));
  launch.placement_strategy = placement_strategies_of(body.value("placementStrategy", Json::array()));
  if (body.contains("tags")) {
    BERTH_ASSIGN(launch.tags, read_tags(body["tags"]));
  }
  BERTH_ASSIGN(const auto tagging, read_task_tagging(body, TaskStarter::request));
  launch.tagging = tagging.applied_to({});
  return launch;
}

}  // namespace

Result<void> check_launch_settings(const Json& body) {
  BERTH_TRY(read_launch_capacity(body));  // launchType FARGATE and capacity providers first
  for (const char* key : {"launchType", "volumeConfigurations"}) {
    if (auto why = launch_refusal(key, body.value(key, Json())); !why.empty()) return fail(Code::client, why);
  }
  return {};
}

Result<RunTaskRequest> decode_run_task(const Json& body) {
  BERTH_ASSIGN(auto launch, decode_task_launch(body));
  return RunTaskRequest{std::move(launch), body.value("count", 1)};
}

Result<StartTaskRequest> decode_start_task(const Json& body) {
  BERTH_ASSIGN(auto launch, decode_task_launch(body));
  auto instances = strings_of(body["containerInstances"]);
  if (instances.empty() || instances.size() > 10) {
    return fail(Code::invalid_parameter, "StartTask takes 1 to 10 container instances.");
  }
  return StartTaskRequest{std::move(launch), std::move(instances)};
}

Result<StopTaskRequest> decode_stop_task(const Json& body) {
  StopTaskRequest request;
  request.cluster = optional_string(body, "cluster");
  request.task = body["task"].get<std::string>();
  request.reason = body.value("reason", request.reason);
  if (request.reason.size() > 1024) return fail(Code::invalid_parameter, "reason is limited to 1024 characters.");
  return request;
}

Result<DescribeTasksRequest> decode_describe_tasks(const Json& body) {
  DescribeTasksRequest request{optional_string(body, "cluster"), strings_of(body["tasks"]), includes(body, "TAGS")};
  if (request.tasks.size() > 100) return fail(Code::invalid_parameter, "DescribeTasks takes at most 100 tasks.");
  return request;
}

Result<ListTasksRequest> decode_list_tasks(const Json& body) {
  ListTasksRequest request;
  request.cluster = optional_string(body, "cluster");
  BERTH_ASSIGN(request.page, read_page_request(body, 100, "tasks"));
  request.container_instance = optional_string(body, "containerInstance");
  request.family = optional_string(body, "family");
  request.started_by = optional_string(body, "startedBy");
  request.service_name = optional_string(body, "serviceName");
  if (const auto desired = optional_string(body, "desiredStatus")) {
    const auto status = from_wire<TaskStatus>(*desired);
    BERTH_CHECK(status.has_value());  // the shape allows RUNNING, PENDING and STOPPED only
    request.desired_status = *status;
  }
  return request;
}

Json encode_tasks_reply(const TasksReply& reply, const ArnScope& arns) {
  Json tasks = Json::array();
  for (const auto& d : reply.tasks) tasks.push_back(task_to_json(d.task, arns, d.tags ? &*d.tags : nullptr));
  return Json{{"tasks", std::move(tasks)}, {"failures", failures_to_json(reply.failures)}};
}

Json encode_task_reply(const TaskReply& reply, const ArnScope& arns) {
  return Json{{"task", task_to_json(reply.task, arns, nullptr)}};
}

Json encode_list_tasks(const Page& page) { return page_to_json("taskArns", page); }

}  // namespace berth::model
