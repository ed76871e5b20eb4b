#include "api/scheduler_dispatch.hpp"

#include <map>

#include "common/log.hpp"
#include "common/numbers.hpp"
#include "model/json_parse.hpp"
#include "model/schedule_shapes.hpp"
#include "svc/schedule_groups.hpp"
#include "svc/schedules.hpp"

namespace berth::api {
namespace {

Reply scheduler_error(const Error& error) {
  int status = 400;
  std::string type = "ValidationException";
  switch (error.code) {
    case Code::resource_not_found: status = 404, type = "ResourceNotFoundException"; break;
    case Code::conflict: status = 409, type = "ConflictException"; break;
    case Code::limit_exceeded: status = 402, type = "ServiceQuotaExceededException"; break;
    case Code::payload_too_large: status = 413, type = std::string(code_name(error.code)); break;
    // A body that is not JSON at all: restJson1 services answer SerializationException.
    case Code::serialization: type = std::string(code_name(error.code)); break;
    case Code::server: status = 500, type = "InternalServerException"; break;
    default: break;
  }
  return Reply{status, to_wire({{"Message", error.message}}), type};
}

UseCase find_use_case(std::string_view action) {
  static const std::map<std::string, UseCase, std::less<>> k_use_cases = {
      {"CreateSchedule", svc::create_schedule}, {"GetSchedule", svc::get_schedule},
      {"UpdateSchedule", svc::update_schedule}, {"DeleteSchedule", svc::delete_schedule},
      {"ListSchedules", svc::list_schedules},
      {"CreateScheduleGroup", svc::create_schedule_group}, {"GetScheduleGroup", svc::get_schedule_group},
      {"DeleteScheduleGroup", svc::delete_schedule_group}, {"ListScheduleGroups", svc::list_schedule_groups},
      {"TagResource", svc::tag_scheduler_resource}, {"UntagResource", svc::untag_scheduler_resource},
      {"ListTagsForResource", svc::list_scheduler_resource_tags},
  };
  const auto it = k_use_cases.find(action);
  return it == k_use_cases.end() ? nullptr : it->second;
}

}  // namespace

Result<model::Json> scheduler_request_of(const model::Json& members, std::string_view body) {
  auto parsed = body.empty() ? Result<model::Json>(model::Json::object()) : model::parse_json(body, "The request body");
  if (!parsed) return parsed;
  model::Json& request = *parsed;
  if (!request.is_object()) return fail(Code::serialization, "The request body is not a JSON object.");
  for (const auto& [key, value] : members.items()) {
    if (!value.is_string()) {  // a repeated query parameter (TagKeys) is a list already
      request[key] = value;
      continue;
    }
    // Query strings carry numbers as text; the model types MaxResults as an integer.
    const std::string text = value.get<std::string>();
    const auto number = key == "MaxResults" ? parse_integer<int>(text) : std::nullopt;
    if (number) {
      request[key] = *number;
    } else {
      request[key] = value;
    }
  }
  return parsed;
}

Decoded decode_scheduler_request(std::string_view action, const model::Json& members, std::string_view body) {
  const auto refuse = [](const Error& error) { return std::unexpected(scheduler_error(error)); };
  const model::Shape* shape = model::find_schedule_request_shape(action);
  const UseCase use_case = find_use_case(action);
  if (!shape || !use_case) return refuse({Code::invalid_parameter, "Unknown operation " + std::string(action) + "."});
  auto request = scheduler_request_of(members, body);
  if (!request) return refuse(request.error());
  if (auto checked = model::check_shape(*request, *shape); !checked) return refuse(checked.error());
  return DecodedCall{std::string(action), use_case, std::move(*request), scheduler_error};
}

Reply unknown_scheduler_route(std::string_view method, std::string_view path) {
  return scheduler_error({Code::resource_not_found, "No Scheduler operation is " + std::string(method) + " " +
                                                        std::string(path) + "."});
}

Reply handle_scheduler_request(svc::Context& ctx, std::string_view action, const model::Json& members,
                               std::string_view body) {
  auto call = decode_scheduler_request(action, members, body);
  return call ? run_call(ctx, *call) : call.error();
}

}  // namespace berth::api
