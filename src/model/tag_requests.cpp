#include "model/tag_requests.hpp"

#include "model/request_members.hpp"

namespace berth::model {
namespace {

Result<TaggedResource> read_resource(const Json& body) {
  const std::string arn = body["resourceArn"];
  auto parts = parse_ecs_arn(arn);
  if (!parts) return fail(Code::invalid_parameter, "'" + arn + "' is not a valid ECS ARN.");
  return TaggedResource{arn, std::move(*parts)};
}

}  // namespace

Result<TagResourceRequest> decode_tag_resource(const Json& body) {
  TagResourceRequest request;
  BERTH_ASSIGN(request.resource, read_resource(body));
  BERTH_ASSIGN(request.tags, read_tags(body["tags"]));
  if (request.tags.empty()) return fail(Code::invalid_parameter, "TagResource needs at least one tag.");
  return request;
}

Result<UntagResourceRequest> decode_untag_resource(const Json& body) {
  UntagResourceRequest request;
  BERTH_ASSIGN(request.resource, read_resource(body));
  request.tag_keys = strings_of(body["tagKeys"]);
  if (request.tag_keys.empty()) return fail(Code::invalid_parameter, "UntagResource needs at least one tag key.");
  for (const auto& key : request.tag_keys) {
    // ECS managed tags (aws:ecs:...) belong to ECS: a caller can neither set nor remove them.
    if (is_reserved_tag_key(key)) return fail(Code::invalid_parameter, "Tag key '" + key + "' uses the reserved prefix 'aws:'.");
  }
  return request;
}

Result<ListTagsForResourceRequest> decode_list_tags_for_resource(const Json& body) {
  BERTH_ASSIGN(auto resource, read_resource(body));
  return ListTagsForResourceRequest{std::move(resource)};
}

Json encode_empty(const EmptyReply&) { return Json::object(); }

Json encode_list_tags_for_resource(const std::vector<Tag>& tags) { return Json{{"tags", tags_to_json(tags)}}; }

}  // namespace berth::model
