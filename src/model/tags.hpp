// Resource tags as ECS limits them. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

// Reads a shape-checked `tags` list. Enforces: ≤ 50 tags, key 1–128 and value ≤ 256 characters,
// no duplicate keys, no reserved `aws:` prefix. Returns InvalidParameterException otherwise.
[[nodiscard]] Result<std::vector<Tag>> read_tags(const Json& tags);

// Returns the wire form [{"key":..,"value":..}].
Json tags_to_json(const std::vector<Tag>& tags);

}  // namespace berth::model
