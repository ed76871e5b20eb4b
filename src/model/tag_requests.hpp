// Typed requests and replies of the tagging actions (TagResource, UntagResource,
// ListTagsForResource): decoders validated once with ECS's errors, and encoders. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/tags.hpp"

namespace berth::model {

// The resource a tagging request names: its ARN as given and its parts.
struct TaggedResource {
  std::string arn;
  ParsedArn parts;
};

struct TagResourceRequest {
  TaggedResource resource;
  std::vector<Tag> tags;  // at least one
};

struct UntagResourceRequest {
  TaggedResource resource;
  std::vector<std::string> tag_keys;  // at least one
};

struct ListTagsForResourceRequest {
  TaggedResource resource;
};

// A reply without members: {}.
struct EmptyReply {};

// Decoders. Errors: InvalidParameterException for a resourceArn that is not an ECS ARN, bad tags
// or an empty list.
[[nodiscard]] Result<TagResourceRequest> decode_tag_resource(const Json& body);
[[nodiscard]] Result<UntagResourceRequest> decode_untag_resource(const Json& body);
[[nodiscard]] Result<ListTagsForResourceRequest> decode_list_tags_for_resource(const Json& body);

// Encoders.
Json encode_empty(const EmptyReply& reply);
Json encode_list_tags_for_resource(const std::vector<Tag>& tags);

}  // namespace berth::model
