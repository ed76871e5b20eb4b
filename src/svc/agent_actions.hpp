// The use cases container agents call: DiscoverPollEndpoint (where to talk to the control
// plane) and the Submit* state changes, which record what an agent observed of its tasks (the
// agent protocol of multi-gateway clusters; berth's own agent writes the store directly).
// Thread-safe (state lives in the Store).
#pragma once

#include "model/agent_state_changes.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// berth's API endpoint. ClusterNotFoundException, InvalidParameterException for a container
// instance the cluster does not have, ServerException when berth has no TCP listener.
Result<model::PollEndpointReply> discover_poll_endpoint(Context& ctx, const model::DiscoverPollEndpointRequest& request);
// Records the report on the task (model::apply_task_state_change) and wakes the schedulers when
// it changed. ClusterNotFoundException; InvalidParameterException for a task the cluster does not
// have or a container the task does not have.
Result<model::Acknowledgment> submit_task_state_change(Context& ctx, const model::SubmitTaskStateChangeRequest& request);
Result<model::Acknowledgment> submit_container_state_change(Context& ctx,
                                                            const model::SubmitContainerStateChangeRequest& request);
// berth's tasks and instances have no attachments (no elastic network interfaces on a gateway):
// InvalidParameterException naming the first attachment, after the cluster is checked.
Result<model::Acknowledgment> submit_attachment_state_changes(Context& ctx,
                                                              const model::SubmitAttachmentStateChangesRequest& request);

}  // namespace berth::svc
