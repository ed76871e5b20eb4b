// The dashboard's live updates, as server-sent events on the API listener (api/http_stream.hpp):
// GET /v1/events?cluster=C sends "change" when the state store changed (tasks, services,
// instances, their events: the page then re-reads what it shows) or the node's container
// readings did (the overview's used CPU and memory), authorized as the reads whose results it
// announces (ecs:ListTasks, ecs:ListServices, ecs:ListContainerInstances on the cluster); and
// GET /v1/tasks/{task}/logs?follow=1 (api/http_routes.cpp, authorized as its plain read) sends
// each batch of new log lines as "logs", ending with "end" once the task has stopped and all of
// its output was sent. Thread-safe.
#pragma once

#include <string>

#include "api/http_routes.hpp"

namespace berth::api {

inline constexpr std::string_view k_events_path = "/v1/events";

// The answer to GET /v1/events for an authenticated `caller`: a stream, or the refusal.
HttpResponse change_events(ApiServices& api, const Caller& caller, const RequestTarget& target);

// A stream of the task's log lines from index `since` (svc::task_logs' cursor), for a caller
// already authorized to read them.
HttpResponse log_tail_events(svc::Context& ctx, std::string cluster, std::string task, std::string container,
                             std::size_t since);

}  // namespace berth::api
