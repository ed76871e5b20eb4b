#include "model/instance_identity.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "model/json_parse.hpp"

namespace berth::model {
namespace {

// The document's members ECS turns into attributes of the instance.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> k_attribute_members = {{
    {"instanceType", "ecs.instance-type"},
    {"availabilityZone", "ecs.availability-zone"},
    {"imageId", "ecs.ami-id"},
    {"architecture", "ecs.cpu-architecture"},
}};

Result<InstanceIdentity> invalid(const std::string& why) {
  return fail(Code::invalid_parameter, "instanceIdentityDocument is not an EC2 instance identity document: " + why);
}

bool is_instance_id(std::string_view id) {
  std::string_view digits;
  if (id.starts_with("i-")) {
    digits = id.substr(2);
  } else if (id.starts_with("mi-")) {
    digits = id.substr(3);
  } else {
    return false;
  }
  return digits.size() >= 8 && digits.size() <= 17 &&
         std::all_of(digits.begin(), digits.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Result<InstanceIdentity> parse_instance_identity(std::string_view document) {
  auto parsed = parse_json(document, "instanceIdentityDocument", 4);
  if (!parsed) return invalid(parsed.error().message);
  const Json& doc = *parsed;
  if (!doc.is_object()) return invalid("it is not a JSON object.");
  const auto id = doc.find("instanceId");
  if (id == doc.end() || !id->is_string() || !is_instance_id(id->get<std::string>())) {
    return invalid("its instanceId must be i- or mi- followed by 8 to 17 lowercase hex digits.");
  }
  InstanceIdentity identity{id->get<std::string>(), {}};
  for (const auto& [member, attribute] : k_attribute_members) {
    const auto it = doc.find(member);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 128) {
      return invalid("its " + std::string(member) + " must be a string of 1 to 128 characters.");
    }
    identity.attributes[std::string(attribute)] = it->get<std::string>();
  }
  return identity;
}

}  // namespace berth::model
