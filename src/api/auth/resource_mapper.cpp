#include "api/auth/resource_mapper.hpp"

namespace berth::api::auth {

std::optional<std::string> string_member(const Json& request, const char* key) {
  if (!request.is_object()) return std::nullopt;
  const auto it = request.find(key);
  if (it == request.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::vector<std::string> string_list(const Json& request, const char* key) {
  std::vector<std::string> out;
  if (!request.is_object()) return out;
  const auto it = request.find(key);
  if (it == request.end() || !it->is_array()) return out;
  for (const Json& item : *it) out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  return out;
}

const Json& object_member(const Json& request, const char* key) {
  static const Json k_empty = Json::object();
  if (!request.is_object()) return k_empty;
  const auto it = request.find(key);
  return it != request.end() && it->is_object() ? *it : k_empty;
}

std::optional<ArnParts> split_arn(std::string_view arn) {
  std::string_view parts[5];
  std::size_t start = 0;
  for (auto& part : parts) {
    const auto colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    part = arn.substr(start, colon - start);
    start = colon + 1;
  }
  if (parts[0] != "arn" || parts[1].empty()) return std::nullopt;
  return ArnParts{std::string(parts[2]), std::string(parts[3]), std::string(parts[4]), std::string(arn.substr(start))};
}

Resources everything(const Mapper&) { return {"*"}; }
Resources the_cluster(const Mapper& m) { return {m.cluster_arn()}; }

ResourcesOf member(std::string_view type, const char* key) {
  return [type, key](const Mapper& m) { return Resources{m.member_arn(type, string_member(m.request(), key).value_or(""))}; };
}
ResourcesOf members(std::string_view type, const char* key) {
  return [type, key](const Mapper& m) { return m.member_arns(type, key); };
}
ResourcesOf task_definition(const char* key) {
  return [key](const Mapper& m) { return Resources{m.task_definition_arn(string_member(m.request(), key).value_or(""))}; };
}
ResourcesOf both(ResourcesOf first, ResourcesOf second) {
  return [first, second](const Mapper& m) {
    Resources out = first(m);
    for (auto& resource : second(m)) out.push_back(std::move(resource));
    return out;
  };
}
ResourcesOf if_given(const char* key, ResourcesOf mapping) {
  return [key, mapping](const Mapper& m) {
    return m.request().is_object() && m.request().contains(key) ? mapping(m) : Resources{};
  };
}
ResourcesOf each_of(const char* key, ArnOf arn_of) {
  return [key, arn_of](const Mapper& m) {
    Resources out;
    for (const std::string& text : string_list(m.request(), key)) out.push_back(arn_of(m, text));
    if (out.empty()) out.push_back("*");
    return out;
  };
}
ResourcesOf one_of(const char* key, ArnOf arn_of) {
  return [key, arn_of](const Mapper& m) { return Resources{arn_of(m, string_member(m.request(), key).value_or(""))}; };
}

}  // namespace berth::api::auth
