// EventBridge Scheduler REST-JSON dispatch (`aws scheduler ... --endpoint-url`): the action
// chosen by method and path, members from the path, the query string and the body. Errors are
// Scheduler's: ValidationException 400, ResourceNotFoundException 404, ConflictException 409,
// InternalServerException 500. No sockets here. Thread-safe; never throws.
#pragma once

#include <string_view>

#include "api/dispatch.hpp"

namespace berth::api {

// `members` holds what the path and query string carry, already named as in the API model
// (Name, GroupName, NamePrefix, State, MaxResults, NextToken, ClientToken, ResourceArn) as
// strings, and TagKeys as a list of strings.
// Returns the decoded call, or the Scheduler-shaped error to answer.
Decoded decode_scheduler_request(std::string_view action, const model::Json& members, std::string_view body);
Reply handle_scheduler_request(svc::Context& ctx, std::string_view action, const model::Json& members,
                               std::string_view body);

// The answer to a request under a Scheduler path (/schedules, /schedule-groups, /tags) that names
// no operation: 404 ResourceNotFoundException, as the Scheduler service answers.
Reply unknown_scheduler_route(std::string_view method, std::string_view path);

// Returns the request a Scheduler action reads (the one to authorize, too): the body's members
// with `members` set on them (MaxResults as a number), not yet shape-checked; SerializationException
// for a body that is not a JSON object.
[[nodiscard]] Result<model::Json> scheduler_request_of(const model::Json& members, std::string_view body);

}  // namespace berth::api
