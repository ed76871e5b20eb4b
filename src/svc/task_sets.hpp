// Task set use cases, for services whose deployments an outside tool drives (deployment
// controller EXTERNAL): CreateTaskSet, DescribeTaskSets, UpdateTaskSet, DeleteTaskSet,
// UpdateServicePrimaryTaskSet. The service scheduler runs each set's tasks
// (sched/task_set_reconcile.hpp). Thread-safe as the store is.
#pragma once

#include "model/task_set_requests.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Errors of all five: ClusterNotFoundException; ServiceNotFoundException;
// ServiceNotActiveException (DescribeTaskSets: an INACTIVE service); InvalidParameterException
// for a service without the EXTERNAL deployment controller; TaskSetNotFoundException for a task
// set the service does not hold.

// A new ACTIVE task set running `task_definition` (ClientException if it cannot run) at its
// scale. LimitExceededException when the service holds k_max_task_sets task sets already.
[[nodiscard]] Result<model::TaskSetReply> create_task_set(Context& ctx, const model::CreateTaskSetRequest& request);

// The task sets named (each one not held is a MISSING failure), or every task set.
[[nodiscard]] Result<model::DescribeTaskSetsReply> describe_task_sets(Context& ctx,
                                                                      const model::DescribeTaskSetsRequest& request);

// Sets a task set's scale. InvalidParameterException for a DRAINING (deleted) task set.
[[nodiscard]] Result<model::TaskSetReply> update_task_set(Context& ctx, const model::UpdateTaskSetRequest& request);

// Marks a task set DRAINING: its tasks stop and then it is gone. Without force,
// InvalidParameterException while it still asks for tasks (scale it to 0 first).
[[nodiscard]] Result<model::TaskSetReply> delete_task_set(Context& ctx, const model::DeleteTaskSetRequest& request);

// Makes a task set the PRIMARY one (the service shows its task definition); the former PRIMARY
// becomes ACTIVE. InvalidParameterException for a DRAINING task set.
[[nodiscard]] Result<model::TaskSetReply> update_service_primary_task_set(
    Context& ctx, const model::UpdateServicePrimaryTaskSetRequest& request);

}  // namespace berth::svc
