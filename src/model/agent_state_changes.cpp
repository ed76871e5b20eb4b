#include "model/agent_state_changes.hpp"

#include <array>
#include <cmath>

#include "model/request_members.hpp"

namespace berth::model {
namespace {

// The statuses a container record holds (TaskContainer::last_status).
constexpr std::array k_container_statuses = {TaskStatus::pending, TaskStatus::running, TaskStatus::stopped};
// ECS's attachment statuses.
constexpr std::array<std::string_view, 8> k_attachment_statuses = {"PRECREATED", "CREATED",  "ATTACHING", "ATTACHED",
                                                                   "DETACHING",  "DETACHED", "DELETED",   "FAILED"};

Result<TaskStatus> task_status_of(const std::string& text, std::string_view what) {
  if (const auto status = from_wire<TaskStatus>(text)) return *status;
  return fail(Code::invalid_parameter, "Invalid " + std::string(what) + " status '" + text + "'.");
}

Result<std::optional<EpochMs>> optional_time(const Json& body, const char* member) {
  const auto it = body.find(member);
  if (it == body.end()) return std::optional<EpochMs>{};
  // The shape lets a timestamp be a number or a string; the ECS agent and the SDKs send epoch
  // seconds as a number.
  const double seconds = it->is_number() ? it->get<double>() : -1.0;
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 4.0e9) {
    return fail(Code::invalid_parameter, std::string(member) + " must be a time in epoch seconds.");
  }
  return std::optional<EpochMs>{static_cast<EpochMs>(std::llround(seconds * 1000.0))};
}

Result<ContainerStateChange> container_change_of(const Json& body, const char* name_member) {
  ContainerStateChange change;
  change.container_name = body.value(name_member, "");
  if (change.container_name.empty()) return fail(Code::invalid_parameter, "A container state change needs containerName.");
  if (const auto status = optional_string(body, "status")) {
    BERTH_ASSIGN(auto s, task_status_of(*status, "container"));
    if (std::find(k_container_statuses.begin(), k_container_statuses.end(), s) == k_container_statuses.end()) {
      return fail(Code::invalid_parameter, "Invalid container status '" + *status + "': use PENDING, RUNNING or STOPPED.");
    }
    change.status = s;
  }
  if (body.contains("exitCode")) change.exit_code = body["exitCode"].get<int>();
  change.reason = optional_string(body, "reason");
  change.runtime_id = optional_string(body, "runtimeId");
  change.image_digest = optional_string(body, "imageDigest");
  if (body.contains("networkBindings")) change.network_bindings = body["networkBindings"];
  return change;
}

std::string task_of(const Json& body) { return body.value("task", ""); }

Result<void> require_task(const std::string& task) {
  if (task.empty()) return fail(Code::invalid_parameter, "The state change must name its task.");
  return {};
}

bool moves_forward(TaskStatus from, TaskStatus to) { return static_cast<int>(to) > static_cast<int>(from); }

// Applies `change` to `container` (the task is not STOPPED).
void apply_to(TaskContainer& container, const ContainerStateChange& change, EpochMs now) {
  if (change.status && moves_forward(container.last_status, *change.status)) {
    container.last_status = *change.status;
    if (*change.status == TaskStatus::running && !container.started_at) container.started_at = now;
    if (*change.status == TaskStatus::stopped && !container.finished_at) container.finished_at = now;
  }
  if (change.exit_code) container.exit_code = *change.exit_code;
  if (change.reason) container.reason = *change.reason;
  if (change.runtime_id) container.runtime_id = *change.runtime_id;
  if (change.image_digest) container.image_digest = *change.image_digest;
  if (change.network_bindings) container.network_bindings = *change.network_bindings;
}

// A report naming a container the task does not have is wrong whatever the task's state, and
// changes nothing.
Result<void> check_containers(Task& task, const std::vector<ContainerStateChange>& changes) {
  for (const auto& change : changes) {
    if (!task.container(change.container_name)) {
      return fail(Code::invalid_parameter,
                  "Task " + task.id + " has no container named '" + change.container_name + "'.");
    }
  }
  return {};
}

void apply_status(Task& task, const TaskStateChange& change, EpochMs now) {
  if (!change.status || !moves_forward(task.last_status, *change.status)) return;
  const TaskStatus status = *change.status;
  // A task that goes straight to STOPPED never started.
  if (status >= TaskStatus::running && status < TaskStatus::stopped && !task.started_at) task.started_at = now;
  task.last_status = status;
  if (status < TaskStatus::stopped) return;
  if (task.desired_status != TaskStatus::stopped) {
    task.desired_status = TaskStatus::stopped;
    if (task.stop_code.empty()) task.stop_code = task.started_at ? "EssentialContainerExited" : "TaskFailedToStart";
  }
  if (task.stopped_reason.empty() && change.reason) task.stopped_reason = *change.reason;
  if (!task.stopping_at) task.stopping_at = now;
  if (!task.execution_stopped_at) task.execution_stopped_at = now;
  task.stopped_at = now;
}

}  // namespace

Result<SubmitTaskStateChangeRequest> decode_submit_task_state_change(const Json& body) {
  SubmitTaskStateChangeRequest request;
  request.cluster = optional_string(body, "cluster");
  request.task = task_of(body);
  BERTH_TRY(require_task(request.task));
  auto& change = request.change;
  if (const auto status = optional_string(body, "status")) {
    BERTH_ASSIGN(change.status, task_status_of(*status, "task"));
  }
  change.reason = optional_string(body, "reason");
  for (const auto& c : body.value("containers", Json::array())) {
    BERTH_ASSIGN(auto container, container_change_of(c, "containerName"));
    change.containers.push_back(std::move(container));
  }
  BERTH_ASSIGN(change.pull_started_at, optional_time(body, "pullStartedAt"));
  BERTH_ASSIGN(change.pull_stopped_at, optional_time(body, "pullStoppedAt"));
  BERTH_ASSIGN(change.execution_stopped_at, optional_time(body, "executionStoppedAt"));
  return request;
}

Result<SubmitContainerStateChangeRequest> decode_submit_container_state_change(const Json& body) {
  SubmitContainerStateChangeRequest request;
  request.cluster = optional_string(body, "cluster");
  request.task = task_of(body);
  BERTH_TRY(require_task(request.task));
  BERTH_ASSIGN(request.change, container_change_of(body, "containerName"));
  return request;
}

Result<SubmitAttachmentStateChangesRequest> decode_submit_attachment_state_changes(const Json& body) {
  SubmitAttachmentStateChangesRequest request;
  request.cluster = optional_string(body, "cluster");
  for (const auto& a : body["attachments"]) {
    AttachmentStateChange change{a["attachmentArn"].get<std::string>(), a["status"].get<std::string>()};
    if (std::find(k_attachment_statuses.begin(), k_attachment_statuses.end(), change.status) ==
        k_attachment_statuses.end()) {
      return fail(Code::invalid_parameter, "Invalid attachment status '" + change.status + "'.");
    }
    request.attachments.push_back(std::move(change));
  }
  if (request.attachments.empty()) return fail(Code::invalid_parameter, "attachments must name at least one attachment.");
  return request;
}

Result<DiscoverPollEndpointRequest> decode_discover_poll_endpoint(const Json& body) {
  return DiscoverPollEndpointRequest{optional_string(body, "cluster"), optional_string(body, "containerInstance")};
}

Result<bool> apply_container_state_change(Task& task, const ContainerStateChange& change, EpochMs now) {
  return apply_task_state_change(task, TaskStateChange{std::nullopt, std::nullopt, {change}, {}, {}, {}}, now);
}

Result<bool> apply_task_state_change(Task& task, const TaskStateChange& change, EpochMs now) {
  BERTH_TRY(check_containers(task, change.containers));
  if (task.last_status == TaskStatus::stopped) return false;
  const Json before = task_to_record(task);
  for (const auto& c : change.containers) apply_to(*task.container(c.container_name), c, now);
  if (change.pull_started_at) task.pull_started_at = *change.pull_started_at;
  if (change.pull_stopped_at) task.pull_stopped_at = *change.pull_stopped_at;
  if (change.execution_stopped_at) task.execution_stopped_at = *change.execution_stopped_at;
  apply_status(task, change, now);
  return task_to_record(task) != before;
}

Json encode_acknowledgment(const Acknowledgment&) { return Json{{"acknowledgment", "ACK"}}; }

Json encode_poll_endpoint(const PollEndpointReply& reply) {
  return Json{{"endpoint", reply.endpoint}, {"telemetryEndpoint", reply.endpoint}};
}

}  // namespace berth::model
