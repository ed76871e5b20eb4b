#include "model/schedule_group.hpp"

#include <set>

namespace berth::model {
namespace {

std::string scheduler_prefix(const ArnScope& arns) { return "arn:aws:scheduler:" + arns.region + ":" + arns.account + ":"; }

}  // namespace

bool is_schedule_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::string schedule_group_arn(const ArnScope& arns, const std::string& name) {
  return scheduler_prefix(arns) + "schedule-group/" + name;
}

Json schedule_group_to_json(const ScheduleGroup& group, const ArnScope& arns) {
  return {{"Arn", schedule_group_arn(arns, group.name)},
          {"Name", group.name},
          {"State", "ACTIVE"},
          {"CreationDate", epoch_seconds(group.created_at)},
          {"LastModificationDate", epoch_seconds(group.modified_at)}};
}

Result<std::vector<Tag>> read_scheduler_tags(const Json& tags) {
  if (tags.size() > 50) return fail(Code::validation, "A resource can have at most 50 tags.");
  std::vector<Tag> out;
  std::set<std::string> seen;
  for (const auto& item : tags) {
    Tag tag{item.value("Key", ""), item.value("Value", "")};
    if (tag.key.empty() || tag.key.size() > 128) return fail(Code::validation, "Tag keys must be 1 to 128 characters long.");
    if (tag.value.empty() || tag.value.size() > 256) {
      return fail(Code::validation, "The value of tag '" + tag.key + "' must be 1 to 256 characters long.");
    }
    if (is_reserved_tag_key(tag.key)) {
      return fail(Code::validation, "Tag key '" + tag.key + "' uses the reserved prefix 'aws:'.");
    }
    if (!seen.insert(tag.key).second) return fail(Code::validation, "Duplicate tag key '" + tag.key + "'.");
    out.push_back(std::move(tag));
  }
  return out;
}

Json scheduler_tags_to_json(const std::vector<Tag>& tags) {
  Json out = Json::array();
  for (const auto& tag : tags) out.push_back({{"Key", tag.key}, {"Value", tag.value}});
  return out;
}

Result<std::string> scheduler_tag_key(const std::string& arn, const ArnScope& arns) {
  const std::string prefix = scheduler_prefix(arns);
  const auto invalid = [&] {
    return fail(Code::validation, "'" + arn + "' is not the ARN of a schedule group or schedule (" + prefix +
                                      "schedule-group/NAME or " + prefix + "schedule/GROUP/NAME).");
  };
  if (!arn.starts_with(prefix)) return invalid();
  const std::string_view resource = std::string_view(arn).substr(prefix.size());
  const auto slash = resource.find('/');
  if (slash == std::string_view::npos) return invalid();
  const std::string_view type = resource.substr(0, slash);
  const std::string_view rest = resource.substr(slash + 1);
  if (type == "schedule-group" && is_schedule_name(rest)) return std::string(resource);
  const auto second = rest.find('/');
  if (type == "schedule" && second != std::string_view::npos && is_schedule_name(rest.substr(0, second)) &&
      is_schedule_name(rest.substr(second + 1))) {
    return std::string(resource);
  }
  return invalid();
}

}  // namespace berth::model
