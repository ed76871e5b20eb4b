#include "model/container_instance_requests.hpp"

#include "model/request_members.hpp"

namespace berth::model {
namespace {

std::vector<Attribute> attributes_of(const Json& list) {
  std::vector<Attribute> out;
  for (const auto& a : list) {
    out.push_back({a["name"].get<std::string>(), optional_string(a, "value"), optional_string(a, "targetId")});
  }
  return out;
}

// PutAttributes' and DeleteAttributes' checks; `validate` = the values are checked as stored ones.
Result<ChangeAttributesRequest> decode_change_attributes(const Json& body, bool validate) {
  const Json& attributes = body["attributes"];
  if (attributes.size() > 10) return fail(Code::attribute_limit_exceeded, "At most 10 attributes per call.");
  if (validate) {
    BERTH_TRY(normalize_attributes(attributes));
  }
  ChangeAttributesRequest request{optional_string(body, "cluster"), attributes_of(attributes)};
  for (const auto& a : request.attributes) {
    if (!a.target_id) return fail(Code::invalid_parameter, "Attribute '" + a.name + "' needs a targetId.");
  }
  return request;
}

Json string_set_resource(const char* name, const std::vector<std::string>& values) {
  return {{"name", name}, {"type", "STRINGSET"}, {"doubleValue", 0.0}, {"longValue", 0},
          {"integerValue", 0}, {"stringSetValue", values}};
}

Json ports_resource(const char* name, const std::vector<int>& ports) {
  std::vector<std::string> set;
  for (int p : ports) set.push_back(std::to_string(p));
  return string_set_resource(name, set);
}

Json integer_resource(const char* name, long long value) {
  return {{"name", name}, {"type", "INTEGER"}, {"doubleValue", 0.0}, {"longValue", 0}, {"integerValue", value}};
}

Json description_to_json(const ContainerInstanceDescription& d, const ArnScope& arns) {
  Json out = container_instance_to_json(d.instance, d.usage, arns, d.tags ? &*d.tags : nullptr);
  out["remainingResources"] = d.remaining_resources;
  return out;
}

}  // namespace

Json attributes_to_json(const std::vector<Attribute>& attributes) {
  Json out = Json::array();
  for (const auto& a : attributes) {
    Json item{{"name", a.name}};
    if (a.value) item["value"] = *a.value;
    out.push_back(std::move(item));
  }
  return out;
}

Json registered_resources_of(const NodeRegistration& node) {
  Json out = Json::array({integer_resource("CPU", node.cpu_units), integer_resource("MEMORY", node.memory_mib),
                          ports_resource("PORTS", node.reserved_ports), ports_resource("PORTS_UDP", node.reserved_udp_ports)});
  if (!node.gpu_ids.empty()) out.push_back(string_set_resource("GPU", node.gpu_ids));
  return out;
}

Result<RegisterContainerInstanceRequest> decode_register_container_instance(const Json& body) {
  RegisterContainerInstanceRequest request;
  request.cluster = optional_string(body, "cluster");
  request.instance_arn = optional_string(body, "containerInstanceArn");
  if (body.contains("tags")) {
    BERTH_ASSIGN(request.tags, read_tags(body["tags"]));
  }
  BERTH_ASSIGN(auto attributes, normalize_attributes(body.value("attributes", Json::array())));
  request.attributes = attributes_of(attributes);
  if (const auto document = optional_string(body, "instanceIdentityDocument"); document && !document->empty()) {
    BERTH_ASSIGN(auto identity, parse_instance_identity(*document));
    request.ec2_instance_id = identity.instance_id;
    std::erase_if(request.attributes, [&](const Attribute& a) { return identity.attributes.contains(a.name); });
    for (auto& [name, value] : identity.attributes) request.attributes.push_back({name, value, std::nullopt});
  }
  request.total_resources = body.value("totalResources", Json::array());
  if (body.contains("versionInfo")) request.version_info = body["versionInfo"];
  return request;
}

Result<DeregisterContainerInstanceRequest> decode_deregister_container_instance(const Json& body) {
  return DeregisterContainerInstanceRequest{optional_string(body, "cluster"),
                                            body["containerInstance"].get<std::string>(), body.value("force", false)};
}

Result<DescribeContainerInstancesRequest> decode_describe_container_instances(const Json& body) {
  DescribeContainerInstancesRequest request{optional_string(body, "cluster"), strings_of(body["containerInstances"]),
                                            includes(body, "TAGS")};
  if (request.instances.size() > 100) {
    return fail(Code::invalid_parameter, "DescribeContainerInstances takes at most 100 instances.");
  }
  return request;
}

Result<ListContainerInstancesRequest> decode_list_container_instances(const Json& body) {
  ListContainerInstancesRequest request;
  request.cluster = optional_string(body, "cluster");
  BERTH_ASSIGN(request.page, read_page_request(body, 100, "containerInstances"));
  request.filter = optional_string(body, "filter");
  if (const auto status = optional_string(body, "status")) request.status = from_wire<InstanceStatus>(*status);
  return request;
}

Result<UpdateContainerInstancesStateRequest> decode_update_container_instances_state(const Json& body) {
  const auto status = from_wire<InstanceStatus>(body["status"].get<std::string>());
  BERTH_CHECK(status.has_value());  // the shape allows ACTIVE and DRAINING only
  return UpdateContainerInstancesStateRequest{optional_string(body, "cluster"),
                                              strings_of(body["containerInstances"]), *status};
}

Result<ChangeAttributesRequest> decode_put_attributes(const Json& body) { return decode_change_attributes(body, true); }

Result<ChangeAttributesRequest> decode_delete_attributes(const Json& body) {
  return decode_change_attributes(body, false);
}

Result<ListAttributesRequest> decode_list_attributes(const Json& body) {
  ListAttributesRequest request;
  request.cluster = optional_string(body, "cluster");
  BERTH_ASSIGN(request.page, read_page_request(body, 100, "attributes"));
  request.name = optional_string(body, "attributeName");
  request.value = optional_string(body, "attributeValue");
  return request;
}

Json encode_container_instance_reply(const ContainerInstanceReply& reply, const ArnScope& arns) {
  return Json{{"containerInstance", description_to_json(reply.instance, arns)}};
}

Json encode_container_instances_reply(const ContainerInstancesReply& reply, const ArnScope& arns) {
  Json instances = Json::array();
  for (const auto& d : reply.instances) instances.push_back(description_to_json(d, arns));
  return Json{{"containerInstances", std::move(instances)}, {"failures", failures_to_json(reply.failures)}};
}

Json encode_list_container_instances(const Page& page) { return page_to_json("containerInstanceArns", page); }

Json encode_attributes_reply(const AttributesReply& reply) {
  Json attributes = Json::array();
  for (const auto& a : reply.attributes) {
    Json item{{"name", a.name}, {"targetType", "container-instance"}, {"targetId", a.target_id}};
    if (a.value) item["value"] = *a.value;
    attributes.push_back(std::move(item));
  }
  Json out{{"attributes", std::move(attributes)}};
  if (reply.next_token) out["nextToken"] = *reply.next_token;
  return out;
}

}  // namespace berth::model
