// Service use cases: CreateService, UpdateService, DeleteService, DescribeServices,
// ListServices. The service scheduler (svc/service_scheduler.cpp) does the running.
#include <functional>
#include <optional>

#include "model/daemon.hpp"
#include "model/deployment_history.hpp"
#include "model/paging.hpp"
#include "model/service.hpp"
#include "svc/actions.hpp"
#include "svc/capacity_providers.hpp"
#include "svc/tasks.hpp"
#include "svc/service_changes.hpp"
#include "svc/service_scheduler.hpp"

namespace berth::svc {
namespace {

void apply_deployment_configuration(model::Service& s, const model::DeploymentConfiguration& c) {
  s.deployment_configuration = c.given;
  s.maximum_percent = c.maximum_percent.value_or(s.maximum_percent);
  s.minimum_healthy_percent = c.minimum_healthy_percent.value_or(s.minimum_healthy_percent);
}

Result<model::ServiceDescription> describe(Context& ctx, model::Service s, bool with_tags) {
  model::ServiceDescription out;
  if (with_tags) {
    BERTH_ASSIGN(out.tags, ctx.store.tags_of("service/" + s.cluster + "/" + s.name));
  }
  BERTH_TRY(count_live_tasks(ctx, s));
  out.service = std::move(s);
  return out;
}

Result<model::ServiceReply> reply_of(Context& ctx, model::Service s) {
  BERTH_ASSIGN(auto described, describe(ctx, std::move(s), false));
  return model::ServiceReply{std::move(described)};
}

}  // namespace

Result<model::ServiceReply> create_service(Context& ctx, const model::CreateServiceRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  model::Service s;
  s.cluster = cluster;
  s.name = request.name;
  s.scheduling_strategy = model::to_wire(request.scheduling_strategy);
  if (request.scheduling_strategy == model::SchedulingStrategy::daemon) {
    // One task per instance: old tasks go before new ones start, and never more than one.
    s.minimum_healthy_percent = 0;
    s.maximum_percent = 100;
  }
  s.desired_count = request.desired_count;
  if (request.deployment_configuration) apply_deployment_configuration(s, *request.deployment_configuration);
  s.placement_constraints = request.placement_constraints;
  s.placement_strategy = request.placement_strategy;
  s.health_check_grace_period_seconds = request.health_check_grace_period_seconds;
  BERTH_ASSIGN(const auto strategy, launch_strategy(ctx, cluster, request.capacity));
  s.capacity_provider_strategy = model::strategy_to_json(strategy);
  s.tagging = request.tagging;
  model::apply_attachments(s.attachments, request.attachments);
  if (request.role) s.attachments.role_arn = model::role_arn_of(*request.role, ctx.arns.account);
  s.enable_execute_command = request.enable_execute_command;
  s.created_at = ctx.clock.now_ms();
  s.throttle_reset_at = s.created_at;
  s.deployment_controller = request.deployment_controller;
  if (s.deployment_controller == model::DeploymentController::external) {
    // Its tasks come from the task sets an outside tool creates (svc/task_sets.cpp).
    BERTH_ASSIGN(auto created, ctx.store.create_service(s, request.tags));
    return reply_of(ctx, std::move(created));
  }
  BERTH_ASSIGN(auto td, runnable_task_definition_of(ctx, request.task_definition));
  model::Deployment d;
  d.id = new_deployment_id();
  d.family = td.family;
  d.revision = td.revision;
  d.desired_count = s.desired_count;
  d.created_at = d.updated_at = s.created_at;
  s.deployments.push_back(d);
  model::record_new_deployment(s, s.created_at);
  BERTH_ASSIGN(auto created, ctx.store.create_service(s, request.tags));
  ctx.tasks_changed();
  return reply_of(ctx, std::move(created));
}

Result<model::ServiceReply> update_service(Context& ctx, const model::UpdateServiceRequest& request) {
  BERTH_ASSIGN(auto key, service_key_of(ctx, request.cluster, request.service));
  std::optional<model::TaskDefinition> td;
  if (request.task_definition) {
    BERTH_ASSIGN(td, runnable_task_definition_of(ctx, *request.task_definition));
  }
  if (request.capacity_provider_strategy) {
    BERTH_TRY(launch_strategy(ctx, key.cluster, {request.capacity_provider_strategy, false}));
  }
  const EpochMs now = ctx.clock.now_ms();
  BERTH_ASSIGN(auto s, change_service(ctx, key, [&](model::Service& s) -> Result<void> {
    BERTH_TRY(require_active(s));
    const bool external = s.deployment_controller == model::DeploymentController::external;
    if (external && (request.task_definition || request.force_new_deployment)) {
      return fail(Code::invalid_parameter, "A service with the EXTERNAL deployment controller deploys through task "
                                           "sets: create a task set (CreateTaskSet) to run another task definition.");
    }
    if (request.desired_count) {
      if (s.scheduling_strategy == "DAEMON") return fail(Code::invalid_parameter, "DAEMON services take no desiredCount.");
      s.desired_count = *request.desired_count;
    }
    if (request.deployment_configuration) apply_deployment_configuration(s, *request.deployment_configuration);
    if (request.placement_constraints) s.placement_constraints = *request.placement_constraints;
    if (request.placement_strategy) s.placement_strategy = *request.placement_strategy;
    if (request.capacity_provider_strategy) {
      s.capacity_provider_strategy = model::strategy_to_json(*request.capacity_provider_strategy);
    }
    if (request.health_check_grace_period_seconds) {
      s.health_check_grace_period_seconds = *request.health_check_grace_period_seconds;
    }
    s.tagging = request.tagging.applied_to(s.tagging);
    if (request.enable_execute_command) s.enable_execute_command = *request.enable_execute_command;
    s.throttle_reset_at = now;  // updating a service resets its start throttling, as in ECS
    s.next_launch_at = 0;
    const bool new_attachments = model::apply_attachments(s.attachments, request.attachments);
    if (external) {
      // As in ECS, a load balancer or registry change is a new task set's (CreateTaskSet takes
      // them); refused rather than dropped.
      if (new_attachments) {
        return fail(Code::invalid_parameter, "A service with the EXTERNAL deployment controller takes loadBalancers, "
                                             "serviceRegistries, serviceConnectConfiguration and volumeConfigurations "
                                             "only when it is created: create a task set (CreateTaskSet) to change them.");
      }
      return {};  // each task set's count follows desiredCount (sched/task_set_reconcile.hpp)
    }
    const bool new_definition = td && (td->family != s.primary().family || td->revision != s.primary().revision);
    if (new_definition || new_attachments || request.force_new_deployment) {
      for (auto& d : s.deployments) d.status = "ACTIVE";
      model::Deployment d;
      d.id = new_deployment_id();
      d.family = td ? td->family : s.primary().family;
      d.revision = td ? td->revision : s.primary().revision;
      d.created_at = d.updated_at = now;
      s.deployments.insert(s.deployments.begin(), d);
      s.deployments.front().desired_count = s.desired_count;
      model::record_new_deployment(s, now);
    }
    s.deployments.front().desired_count = s.desired_count;
    return {};
  }));
  return reply_of(ctx, std::move(s));
}

Result<model::ServiceReply> delete_service(Context& ctx, const model::DeleteServiceRequest& request) {
  BERTH_ASSIGN(auto key, service_key_of(ctx, request.cluster, request.service));
  BERTH_ASSIGN(auto s, change_service(ctx, key, [&](model::Service& s) -> Result<void> {
    BERTH_TRY(require_active(s));
    if (s.scheduling_strategy == "REPLICA" && s.desired_count > 0 && !request.force) {
      return fail(Code::invalid_parameter,
                  "The service cannot be stopped while it is scaled above 0: set desiredCount to 0 or use force.");
    }
    s.status = model::ServiceStatus::draining;
    s.desired_count = 0;
    return {};
  }));
  return reply_of(ctx, std::move(s));
}

Result<model::DescribeServicesReply> describe_services(Context& ctx, const model::DescribeServicesRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  model::DescribeServicesReply reply;
  for (const auto& text : request.services) {
    const auto name = resource_id_of(ctx, cluster, "service", text);
    std::optional<model::Service> s;
    if (name && !model::is_backing_service(*name)) {
      BERTH_ASSIGN(s, ctx.store.find_service(cluster, *name));
    }
    if (!s) {
      reply.failures.push_back({is_arn(text) ? text : ctx.arns.service(cluster, text), "MISSING"});
      continue;
    }
    BERTH_ASSIGN(auto described, describe(ctx, std::move(*s), request.with_tags));
    reply.services.push_back(std::move(described));
  }
  return reply;
}

Result<model::Page> list_services(Context& ctx, const model::ListServicesRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  const auto& page = request.page;
  // ECS hides DRAINING services from ListServices.
  BERTH_ASSIGN(auto services, ctx.store.list_services(cluster, {model::ServiceStatus::active}, page.after, 100000));
  std::erase_if(services, [](const model::Service& s) { return model::is_backing_service(s.name); });
  if (request.scheduling_strategy) {
    const std::string_view wanted = model::to_wire(*request.scheduling_strategy);
    std::erase_if(services, [&](const model::Service& s) { return s.scheduling_strategy != wanted; });
  }
  const bool more = services.size() > page.limit;
  if (more) services.resize(page.limit);
  model::Page reply;
  for (const auto& s : services) reply.items.push_back(ctx.arns.service(cluster, s.name));
  reply.next_token = next_token(more, "services", services.empty() ? "" : services.back().name);
  return reply;
}

}  // namespace berth::svc
