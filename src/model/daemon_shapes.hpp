// Request shapes of the ECS Daemon API actions (members as in botocore's ECS model). A daemon
// container definition is ECS's container definition narrowed to the members DaemonContainerDefinition
// has. Built on first use (they borrow the container definition's member shapes); thread-safe.
#pragma once

#include "model/schema.hpp"

namespace berth::model::daemon_shapes {

const Shape& register_daemon_task_definition();
const Shape& describe_daemon_task_definition();  // also DeleteDaemonTaskDefinition
const Shape& list_daemon_task_definitions();
const Shape& create_daemon();
const Shape& update_daemon();
const Shape& daemon_arn_only();  // DescribeDaemon, DeleteDaemon
const Shape& list_daemons();
const Shape& list_daemon_deployments();
const Shape& describe_daemon_deployments();
const Shape& describe_daemon_revisions();

}  // namespace berth::model::daemon_shapes
