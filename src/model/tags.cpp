#include "model/tags.hpp"

#include <set>

#include "common/ascii.hpp"

namespace berth::model {

Result<std::vector<Tag>> read_tags(const Json& tags) {
  std::vector<Tag> out;
  if (tags.size() > 50) {
    return fail(Code::invalid_parameter, "A resource can have at most 50 tags.");
  }
  std::set<std::string> seen;
  for (const auto& item : tags) {
    Tag tag{item.value("key", ""), item.value("value", "")};
    if (tag.key.empty() || tag.key.size() > 128) {
      return fail(Code::invalid_parameter, "Tag keys must be 1 to 128 characters long.");
    }
    if (tag.value.size() > 256) {
      return fail(Code::invalid_parameter,
                  "The value of tag '" + tag.key + "' is longer than 256 characters.");
    }
    if (is_reserved_tag_key(tag.key)) {
      return fail(Code::invalid_parameter,
                  "Tag key '" + tag.key + "' uses the reserved prefix 'aws:'.");
    }
    if (!seen.insert(tag.key).second) {
      return fail(Code::invalid_parameter, "Duplicate tag key '" + tag.key + "'.");
    }
    out.push_back(std::move(tag));
  }
  return out;
}

bool is_reserved_tag_key(std::string_view key) {
  return key.size() >= 4 && equals_ignoring_case(key.substr(0, 4), "aws:");
}

Json tags_to_json(const std::vector<Tag>& tags) {
  Json out = Json::array();
  for (const auto& tag : tags) out.push_back({{"key", tag.key}, {"value", tag.value}});
  return out;
}

}  // namespace berth::model
