#include "svc/task_sets.hpp"

#include <algorithm>

#include "svc/capacity_providers.hpp"
#include "svc/service_changes.hpp"
#include "svc/service_scheduler.hpp"
#include "svc/tasks.hpp"

namespace berth::svc {
namespace {

std::string tag_resource_of(const ServiceKey& service, const std::string& id) {
  return "task-set/" + service.cluster + "/" + service.name + "/" + id;
}

Result<void> require_external(const model::Service& s) {
  if (s.deployment_controller == model::DeploymentController::external) return {};
  return fail(Code::invalid_parameter,
              "Amazon ECS only supports task set management on services configured to use external deployment "
              "controllers.");
}

// The task set of `s` that `text` (an id or an ARN) names.
Result<model::TaskSet*> find_task_set(Context& ctx, model::Service& s, const std::string& text) {
  const auto id = model::task_set_id_of(ctx.arns, s.cluster, s.name, text);
  const auto it = std::find_if(s.task_sets.begin(), s.task_sets.end(),
                               [&](const model::TaskSet& t) { return id && t.id == *id; });
  if (it == s.task_sets.end()) return fail(Code::task_set_not_found, "The specified task set does not exist.");
  return &*it;
}

Result<void> require_not_draining(const model::TaskSet& set) {
  if (set.status != model::TaskSetStatus::draining) return {};
  return fail(Code::invalid_parameter, "The task set " + set.id + " is DRAINING: it was deleted.");
}

// Applies `change` to the task set `text` names in the ACTIVE EXTERNAL service and returns the
// set as saved, with its tasks counted.
Result<model::TaskSetReply> change_task_set(Context& ctx, const std::string& cluster, const std::string& service,
                                            const std::string& text,
                                            const std::function<Result<void>(model::Service&, model::TaskSet&)>& change) {
  BERTH_ASSIGN(auto key, service_key_of(ctx, cluster, service));
  std::string id;
  BERTH_ASSIGN(auto saved, change_service(ctx, key, [&](model::Service& s) -> Result<void> {
    BERTH_TRY(require_active(s));
    BERTH_TRY(require_external(s));
    BERTH_ASSIGN(auto* set, find_task_set(ctx, s, text));
    id = set->id;
    return change(s, *set);
  }));
  BERTH_TRY(count_live_tasks(ctx, saved));
  const auto it = std::find_if(saved.task_sets.begin(), saved.task_sets.end(),
                               [&](const model::TaskSet& t) { return t.id == id; });
  BERTH_CHECK(it != saved.task_sets.end());
  return model::TaskSetReply{{saved.cluster, saved.name, saved.desired_count}, {*it, std::nullopt}};
}

}  // namespace

Result<model::TaskSetReply> create_task_set(Context& ctx, const model::CreateTaskSetRequest& request) {
  BERTH_ASSIGN(auto key, service_key_of(ctx, request.cluster, request.service));
  BERTH_ASSIGN(auto td, runnable_task_definition_of(ctx, request.task_definition));
  model::TaskSet set;
  set.id = new_deployment_id();
  set.external_id = request.external_id;
  set.family = td.family;
  set.revision = td.revision;
  set.scale_percent = request.scale_percent;
  BERTH_ASSIGN(const auto strategy, launch_strategy(ctx, key.cluster, request.capacity));
  set.capacity_provider_strategy = model::strategy_to_json(strategy);
  set.launch_type = request.launch_type;
  set.load_balancers = request.load_balancers;
  set.service_registries = request.service_registries;
  set.created_at = set.updated_at = ctx.clock.now_ms();
  // The tags are written with the set: a set that exists untagged after an error would be
  // created again by a retry.
  const store::ResourceTags tags{request.tags.empty() ? "" : tag_resource_of(key, set.id),
                                 request.tags};
  BERTH_ASSIGN(auto saved, change_service(ctx, key, [&](model::Service& s) -> Result<void> {
    BERTH_TRY(require_active(s));
    BERTH_TRY(require_external(s));
    if (s.task_sets.size() >= model::k_max_task_sets) {
      return fail(Code::limit_exceeded, "A service holds at most " + std::to_string(model::k_max_task_sets) +
                                               " task sets; delete one first.");
    }
    s.task_sets.push_back(set);
    return {};
  }, tags));
  BERTH_TRY(count_live_tasks(ctx, saved));
  model::TaskSetReply reply{{saved.cluster, saved.name, saved.desired_count}, {saved.task_sets.back(), std::nullopt}};
  if (!request.tags.empty()) reply.task_set.tags = request.tags;
  return reply;
}

Result<model::DescribeTaskSetsReply> describe_task_sets(Context& ctx, const model::DescribeTaskSetsRequest& request) {
  BERTH_ASSIGN(auto key, service_key_of(ctx, request.cluster, request.service));
  BERTH_ASSIGN(auto found, ctx.store.find_service(key.cluster, key.name));
  if (!found) return fail(Code::service_not_found, "Service not found.");
  auto& s = *found;
  if (s.status == model::ServiceStatus::inactive) return fail(Code::service_not_active, "Service was not ACTIVE.");
  BERTH_TRY(require_external(s));
  BERTH_TRY(count_live_tasks(ctx, s));
  model::DescribeTaskSetsReply reply{{s.cluster, s.name, s.desired_count}, {}, {}};
  std::vector<const model::TaskSet*> wanted;
  if (!request.task_sets) {
    for (const auto& t : s.task_sets) wanted.push_back(&t);
  }
  for (const auto& text : request.task_sets.value_or(std::vector<std::string>{})) {
    auto set = find_task_set(ctx, s, text);
    if (set) {
      wanted.push_back(*set);
    } else {
      reply.failures.push_back({is_arn(text) ? text : model::task_set_arn(ctx.arns, s.cluster, s.name, text), "MISSING"});
    }
  }
  for (const auto* t : wanted) {
    model::TaskSetDescription d{*t, std::nullopt};
    if (request.with_tags) {
      BERTH_ASSIGN(d.tags, ctx.store.tags_of(tag_resource_of({s.cluster, s.name}, t->id)));
    }
    reply.task_sets.push_back(std::move(d));
  }
  return reply;
}

Result<model::TaskSetReply> update_task_set(Context& ctx, const model::UpdateTaskSetRequest& request) {
  const EpochMs now = ctx.clock.now_ms();
  return change_task_set(ctx, request.cluster, request.service, request.task_set,
                         [&](model::Service&, model::TaskSet& set) -> Result<void> {
                           BERTH_TRY(require_not_draining(set));
                           set.scale_percent = request.scale_percent;
                           set.updated_at = now;
                           return {};
                         });
}

Result<model::TaskSetReply> delete_task_set(Context& ctx, const model::DeleteTaskSetRequest& request) {
  const EpochMs now = ctx.clock.now_ms();
  return change_task_set(ctx, request.cluster, request.service, request.task_set,
                         [&](model::Service& s, model::TaskSet& set) -> Result<void> {
                           if (set.status == model::TaskSetStatus::draining) return {};  // deleted already
                           if (!request.force && model::computed_desired_count(set, s.desired_count) > 0) {
                             return fail(Code::invalid_parameter,
                                         "The task set " + set.id + " has not been scaled down to zero: update its "
                                         "scale to 0 first, or delete it with force.");
                           }
                           set.status = model::TaskSetStatus::draining;
                           set.updated_at = now;
                           return {};
                         });
}

Result<model::TaskSetReply> update_service_primary_task_set(Context& ctx,
                                                            const model::UpdateServicePrimaryTaskSetRequest& request) {
  const EpochMs now = ctx.clock.now_ms();
  return change_task_set(ctx, request.cluster, request.service, request.primary_task_set,
                         [&](model::Service& s, model::TaskSet& set) -> Result<void> {
                           BERTH_TRY(require_not_draining(set));
                           for (auto& other : s.task_sets) {
                             if (other.status != model::TaskSetStatus::primary || &other == &set) continue;
                             other.status = model::TaskSetStatus::active;
                             other.updated_at = now;
                           }
                           if (set.status != model::TaskSetStatus::primary) {
                             set.status = model::TaskSetStatus::primary;
                             set.updated_at = now;
                           }
                           return {};
                         });
}

}  // namespace berth::svc
