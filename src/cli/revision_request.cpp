#include "cli/revision_request.hpp"

#include "cli/json_fields.hpp"
#include "cli/run_request.hpp"

namespace berth::cli {
namespace {

// Index of the container a new image is for.
Result<std::size_t> container_for_image(const model::Json& containers, const std::string& name) {
  std::vector<std::size_t> essential;
  for (std::size_t i = 0; i < containers.size(); ++i) {
    if (!name.empty() && text_member(containers[i], "name") == name) return i;
    if (boolean_member(containers[i], "essential", true)) essential.push_back(i);
  }
  if (!name.empty()) return fail(Code::invalid_parameter, "the task definition has no container named '" + name + "'");
  if (containers.size() == 1) return std::size_t{0};
  if (essential.size() == 1) return essential.front();
  return fail(Code::invalid_parameter, "the task definition has several containers; name the one to change with --container NAME");
}

}  // namespace

Result<model::Json> next_revision_request(const model::Json& described, const std::string& image,
                                          const std::string& container) {
  const auto it = described.find("taskDefinition");
  if (it == described.end() || !it->is_object()) return fail(Code::server, "DescribeTaskDefinition returned no taskDefinition");
  model::Json request = *it;
  for (const char* output_only : {"taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
                                  "registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt"}) {
    request.erase(output_only);
  }
  model::Json tags = model::Json::array();
  for (const auto& tag : array_member(described, "tags")) {
    // The run digest names the request berth run made; a deployed revision is no longer that.
    if (text_member(tag, "key") != k_run_digest_tag) tags.push_back(tag);
  }
  if (!tags.empty()) request["tags"] = tags;
  if (image.empty()) return request;
  auto& containers = request["containerDefinitions"];
  if (!containers.is_array() || containers.empty()) return fail(Code::server, "the task definition has no containers");
  BERTH_ASSIGN(const std::size_t index, container_for_image(containers, container));
  containers[index]["image"] = image;
  return request;
}

}  // namespace berth::cli
