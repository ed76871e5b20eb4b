#include "svc/schedule_groups.hpp"

#include "model/schedule_group.hpp"

namespace berth::svc {
namespace {

std::unexpected<Error> group_not_found(const std::string& name) {
  return fail(Code::resource_not_found, "Schedule group " + name + " does not exist.");
}

Result<std::string> group_name_of(const Json& request) {
  const std::string name = request.value("Name", "");
  if (!model::is_schedule_name(name)) return fail(Code::validation, "Name must be 1 to 64 letters, digits, '-', '_' or '.'.");
  return name;
}

// The tag key of an existing schedule group or schedule named by the request's ResourceArn.
Result<std::string> existing_tagged(Context& ctx, const Json& request) {
  const std::string arn = request.value("ResourceArn", "");
  BERTH_ASSIGN(auto key, model::scheduler_tag_key(arn, ctx.arns));
  const auto slash = key.find('/');
  const std::string rest = key.substr(slash + 1);
  if (key.starts_with("schedule-group/")) {
    BERTH_ASSIGN(auto group, ctx.store.find_schedule_group(rest));
    if (!group) return group_not_found(rest);
    return key;
  }
  const auto second = rest.find('/');
  BERTH_ASSIGN(auto schedule, ctx.store.find_schedule(rest.substr(0, second), rest.substr(second + 1)));
  if (!schedule) return fail(Code::resource_not_found, "Schedule " + rest.substr(second + 1) + " does not exist.");
  return key;
}

}  // namespace

Result<std::string> existing_schedule_group(Context& ctx, const Json& request) {
  const std::string name = request.value("GroupName", std::string(model::k_default_schedule_group));
  if (!model::is_schedule_name(name)) {
    return fail(Code::validation, "GroupName must be 1 to 64 letters, digits, '-', '_' or '.'.");
  }
  BERTH_ASSIGN(auto group, ctx.store.find_schedule_group(name));
  if (!group) return group_not_found(name);
  return name;
}

Result<Json> create_schedule_group(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto name, group_name_of(request));
  BERTH_ASSIGN(auto tags, model::read_scheduler_tags(request.value("Tags", Json::array())));
  const EpochMs now = ctx.clock.now_ms();
  BERTH_TRY(ctx.store.create_schedule_group({name, now, now}, tags));
  return Json{{"ScheduleGroupArn", model::schedule_group_arn(ctx.arns, name)}};
}

Result<Json> get_schedule_group(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto name, group_name_of(request));
  BERTH_ASSIGN(auto group, ctx.store.find_schedule_group(name));
  if (!group) return group_not_found(name);
  return model::schedule_group_to_json(*group, ctx.arns);
}

Result<Json> list_schedule_groups(Context& ctx, const Json& request) {
  const std::size_t limit = request.value("MaxResults", 100);
  BERTH_ASSIGN(auto groups, ctx.store.list_schedule_groups(request.value("NamePrefix", ""),
                                                           request.value("NextToken", ""), limit + 1));
  const bool more = groups.size() > limit;
  if (more) groups.resize(limit);
  Json response{{"ScheduleGroups", Json::array()}};
  for (const auto& group : groups) response["ScheduleGroups"].push_back(model::schedule_group_to_json(group, ctx.arns));
  if (more) response["NextToken"] = groups.back().name;
  return response;
}

Result<Json> delete_schedule_group(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto name, group_name_of(request));
  if (name == model::k_default_schedule_group) {
    return fail(Code::validation, "The default schedule group cannot be deleted.");
  }
  BERTH_ASSIGN(bool deleted, ctx.store.delete_schedule_group(name));
  if (!deleted) return group_not_found(name);
  ctx.schedules_changed();
  return Json::object();
}

Result<Json> tag_scheduler_resource(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto key, existing_tagged(ctx, request));
  // AWS takes 0 to 200 tags: an empty list changes nothing.
  BERTH_ASSIGN(auto tags, model::read_scheduler_tags(request["Tags"]));
  BERTH_TRY(ctx.store.add_tags(key, tags));
  return Json::object();
}

Result<Json> untag_scheduler_resource(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto key, existing_tagged(ctx, request));
  std::vector<std::string> keys;
  for (const auto& tag_key : request["TagKeys"]) keys.push_back(tag_key.get<std::string>());
  if (keys.empty()) return fail(Code::validation, "UntagResource needs at least one tag key.");
  BERTH_TRY(ctx.store.remove_tags(key, keys));
  return Json::object();
}

Result<Json> list_scheduler_resource_tags(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto key, existing_tagged(ctx, request));
  BERTH_ASSIGN(auto tags, ctx.store.tags_of(key));
  return Json{{"Tags", model::scheduler_tags_to_json(tags)}};
}

}  // namespace berth::svc
