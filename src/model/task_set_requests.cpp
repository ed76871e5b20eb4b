#include "model/task_set_requests.hpp"

#include "model/launch_type.hpp"
#include "model/request_members.hpp"
#include "model/service_attachments.hpp"
#include "model/task_requests.hpp"

namespace berth::model {
namespace {

const Shape k_string = string_shape();
const Shape k_bool = boolean_shape();
const Shape k_number = number_shape();
const Shape k_strings = list_of(k_string);
const Shape k_any = any_shape();
const Shape k_any_list = list_of(k_any);
const Shape k_tag = structure({{"key", &k_string}, {"value", &k_string}});
const Shape k_tags = list_of(k_tag);
const Shape k_tags_field = enum_shape({"TAGS"});
const Shape k_include_tags = list_of(k_tags_field);  // list_of keeps a pointer: the element is named
const Shape k_scale_unit = enum_shape({"PERCENT"});
const Shape k_scale = structure({{"value", &k_number}, {"unit", &k_scale_unit}});
const Shape k_launch_type = enum_shape(wire_names<LaunchType>());
const Shape k_network_configuration = structure({{"awsvpcConfiguration", &k_any}});

const Shape k_create_task_set = structure({
    {"service", &k_string, true},
    {"cluster", &k_string, true},
    {"externalId", &k_string},
    {"taskDefinition", &k_string, true},
    {"networkConfiguration", &k_network_configuration},
    {"loadBalancers", &k_any_list},
    {"serviceRegistries", &k_any_list},
    {"launchType", &k_launch_type},
    {"capacityProviderStrategy", &k_any_list},
    {"platformVersion", &k_string},
    {"scale", &k_scale},
    {"clientToken", &k_string},
    {"tags", &k_tags},
});
const Shape k_describe_task_sets = structure(
    {{"cluster", &k_string, true}, {"service", &k_string, true}, {"taskSets", &k_strings}, {"include", &k_include_tags}});
const Shape k_update_task_set = structure({{"cluster", &k_string, true},
                                           {"service", &k_string, true},
                                           {"taskSet", &k_string, true},
                                           {"scale", &k_scale, true}});
const Shape k_delete_task_set = structure(
    {{"cluster", &k_string, true}, {"service", &k_string, true}, {"taskSet", &k_string, true}, {"force", &k_bool}});
const Shape k_update_service_primary_task_set = structure(
    {{"cluster", &k_string, true}, {"service", &k_string, true}, {"primaryTaskSet", &k_string, true}});

// scale.value, a percentage of the service's desiredCount.
Result<double> scale_of(const Json& scale) {
  const auto value = scale.find("value");
  if (value == scale.end()) return fail(Code::invalid_parameter, "scale.value is required.");
  const double percent = value->get<double>();
  if (!(percent >= 0.0 && percent <= 100.0)) {
    return fail(Code::invalid_parameter, "scale.value must be between 0 and 100.");
  }
  return percent;
}

Json description_to_json(const TaskSetDescription& d, const TaskSetOwner& owner, const ArnScope& arns) {
  return task_set_to_json(d.set, owner, arns, d.tags ? &*d.tags : nullptr);
}

}  // namespace

namespace request_shapes {
const Shape& create_task_set = k_create_task_set;
const Shape& describe_task_sets = k_describe_task_sets;
const Shape& update_task_set = k_update_task_set;
const Shape& delete_task_set = k_delete_task_set;
const Shape& update_service_primary_task_set = k_update_service_primary_task_set;
}  // namespace request_shapes

Result<CreateTaskSetRequest> decode_create_task_set(const Json& body) {
  BERTH_TRY(check_launch_settings(body));
  CreateTaskSetRequest request;
  request.cluster = body["cluster"].get<std::string>();
  request.service = body["service"].get<std::string>();
  request.task_definition = body["taskDefinition"].get<std::string>();
  request.external_id = body.value("externalId", "");
  if (body.contains("scale")) {
    BERTH_ASSIGN(request.scale_percent, scale_of(body["scale"]));
  }
  BERTH_ASSIGN(request.capacity, read_launch_capacity(body));
  if (body.contains("launchType")) request.launch_type = *from_wire<LaunchType>(body["launchType"].get<std::string>());
  BERTH_ASSIGN(const auto attachments, attachments_update_of(body));
  request.load_balancers = attachments.load_balancers.value_or(Json::array());
  request.service_registries = attachments.service_registries.value_or(Json::array());
  if (body.contains("tags")) {
    BERTH_ASSIGN(request.tags, read_tags(body["tags"]));
  }
  return request;
}

Result<DescribeTaskSetsRequest> decode_describe_task_sets(const Json& body) {
  DescribeTaskSetsRequest request{body["cluster"].get<std::string>(), body["service"].get<std::string>(),
                                  std::nullopt, includes(body, "TAGS")};
  if (body.contains("taskSets")) request.task_sets = strings_of(body["taskSets"]);
  return request;
}

Result<UpdateTaskSetRequest> decode_update_task_set(const Json& body) {
  UpdateTaskSetRequest request{body["cluster"].get<std::string>(), body["service"].get<std::string>(),
                               body["taskSet"].get<std::string>(), 0};
  BERTH_ASSIGN(request.scale_percent, scale_of(body["scale"]));
  return request;
}

Result<DeleteTaskSetRequest> decode_delete_task_set(const Json& body) {
  return DeleteTaskSetRequest{body["cluster"].get<std::string>(), body["service"].get<std::string>(),
                              body["taskSet"].get<std::string>(), body.value("force", false)};
}

Result<UpdateServicePrimaryTaskSetRequest> decode_update_service_primary_task_set(const Json& body) {
  return UpdateServicePrimaryTaskSetRequest{body["cluster"].get<std::string>(), body["service"].get<std::string>(),
                                            body["primaryTaskSet"].get<std::string>()};
}

Json encode_task_set_reply(const TaskSetReply& reply, const ArnScope& arns) {
  return Json{{"taskSet", description_to_json(reply.task_set, reply.owner, arns)}};
}

Json encode_describe_task_sets(const DescribeTaskSetsReply& reply, const ArnScope& arns) {
  Json sets = Json::array();
  for (const auto& d : reply.task_sets) sets.push_back(description_to_json(d, reply.owner, arns));
  return Json{{"taskSets", std::move(sets)}, {"failures", failures_to_json(reply.failures)}};
}

}  // namespace berth::model
