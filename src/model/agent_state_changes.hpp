// What a container agent reports to the control plane (SubmitTaskStateChange,
// SubmitContainerStateChange, SubmitAttachmentStateChanges, DiscoverPollEndpoint): the typed
// requests, their decoders (ECS's errors), and how a report changes a task's record. This is
// the agent protocol of multi-gateway clusters. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/task.hpp"

namespace berth::model {

// One container's reported state (a SubmitTaskStateChange entry or SubmitContainerStateChange).
// Only what the report gives changes the record.
struct ContainerStateChange {
  std::string container_name;
  std::optional<TaskStatus> status;  // PENDING, RUNNING or STOPPED
  std::optional<int> exit_code;
  std::optional<std::string> reason;
  std::optional<std::string> runtime_id;
  std::optional<std::string> image_digest;
  std::optional<Json> network_bindings;
};

struct TaskStateChange {
  std::optional<TaskStatus> status;
  std::optional<std::string> reason;
  std::vector<ContainerStateChange> containers;
  std::optional<EpochMs> pull_started_at, pull_stopped_at, execution_stopped_at;
};

struct SubmitTaskStateChangeRequest {
  std::optional<std::string> cluster;  // nothing = the default cluster
  std::string task;                    // id or ARN
  TaskStateChange change;
};

struct SubmitContainerStateChangeRequest {
  std::optional<std::string> cluster;
  std::string task;
  ContainerStateChange change;
};

struct AttachmentStateChange {
  std::string attachment_arn;
  std::string status;
};

struct SubmitAttachmentStateChangesRequest {
  std::optional<std::string> cluster;
  std::vector<AttachmentStateChange> attachments;
};

struct DiscoverPollEndpointRequest {
  std::optional<std::string> cluster;
  std::optional<std::string> container_instance;  // id or ARN
};

struct PollEndpointReply {
  std::string endpoint;  // where the agent talks to the control plane (berth's ECS API)
};

// What the Submit* actions answer once the report is recorded.
struct Acknowledgment {};

// Decoders of shape-checked bodies. InvalidParameterException for a missing task or container
// name, a status ECS does not have (a container's: PENDING, RUNNING, STOPPED), a negative or
// non-finite timestamp, an attachment status ECS does not have.
[[nodiscard]] Result<SubmitTaskStateChangeRequest> decode_submit_task_state_change(const Json& body);
[[nodiscard]] Result<SubmitContainerStateChangeRequest> decode_submit_container_state_change(const Json& body);
[[nodiscard]] Result<SubmitAttachmentStateChangesRequest> decode_submit_attachment_state_changes(const Json& body);
[[nodiscard]] Result<DiscoverPollEndpointRequest> decode_discover_poll_endpoint(const Json& body);

// Records `change` of the task's container at `now`. Statuses only move forward (a report older
// than the record changes no status), and a STOPPED task is final: nothing changes it. Returns
// whether the record changed; InvalidParameterException for a container the task does not have
// (whatever the task's state; nothing changes then).
[[nodiscard]] Result<bool> apply_container_state_change(Task& task, const ContainerStateChange& change, EpochMs now);
// The same for a task report: its containers' changes first, then its own status. A task the
// agent reports STOPPED that nobody asked to stop is stopped for good (desiredStatus STOPPED,
// stopCode TaskFailedToStart if it never ran, else EssentialContainerExited), as ECS records it.
[[nodiscard]] Result<bool> apply_task_state_change(Task& task, const TaskStateChange& change, EpochMs now);

// {"acknowledgment": "ACK"}
Json encode_acknowledgment(const Acknowledgment&);
// {"endpoint": ..., "telemetryEndpoint": ...}: berth serves both on its API.
Json encode_poll_endpoint(const PollEndpointReply& reply);

}  // namespace berth::model
