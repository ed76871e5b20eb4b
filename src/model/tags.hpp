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

// Whether `key` begins with aws: in any letter case: reserved for AWS (ECS managed tags), it
// neither counts against the 50-tag limit nor may a caller set or remove it.
bool is_reserved_tag_key(std::string_view key);

// Returns the wire form [{"key":..,"value":..}].
Json tags_to_json(const std::vector<Tag>& tags);

}  // namespace berth::model
