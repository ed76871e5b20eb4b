// Service use cases: CreateService, UpdateService, DeleteService, DescribeServices,
// ListServices. The service scheduler (svc/service_scheduler.cpp) does the running.
#include <algorithm>
#include <random>

#include "common/ids.hpp"
#include "model/names.hpp"
#include "model/paging.hpp"
#include "model/service.hpp"
#include "svc/actions.hpp"
#include "svc/tasks.hpp"
#include "svc/service_scheduler.hpp"
#include "store/update_with_retry.hpp"

namespace berth::svc {
namespace {

Result<void> apply_deployment_configuration(model::Service& s, const Json& request) {
  if (!request.contains("deploymentConfiguration")) return {};
  const Json& c = request["deploymentConfiguration"];
  s.deployment_configuration = c;
  s.maximum_percent = c.value("maximumPercent", s.maximum_percent);
  s.minimum_healthy_percent = c.value("minimumHealthyPercent", s.minimum_healthy_percent);
  if (s.minimum_healthy_percent < 0 || s.minimum_healthy_percent > 100) {
    return fail(Code::invalid_parameter, "minimumHealthyPercent must be between 0 and 100.");
  }
  if (s.maximum_percent < 100 || s.maximum_percent > 10000) {
    return fail(Code::invalid_parameter, "maximumPercent must be between 100 and 10000.");
  }
  return {};
}

Result<void> check_placement(const Json& request) {
  // Validated by placing nothing: the same parser RunTask uses.
  for (const auto& c : request.value("placementConstraints", Json::array())) {
    if (c.value("type", "") == "memberOf" && !c.contains("expression")) {
      return fail(Code::invalid_parameter, "memberOf needs an expression.");
    }
  }
  if (request.value("placementStrategy", Json::array()).size() > 5) {
    return fail(Code::invalid_parameter, "At most 5 placement strategies are allowed.");
  }
  return {};
}

Result<Json> describe_one(Context& ctx, const model::Service& stored, bool with_tags) {
  std::vector<model::Tag> tags;
  if (with_tags) {
    BERTH_ASSIGN(tags, ctx.store.tags_of("service/" + stored.cluster + "/" + stored.name));
  }
  // Counts come from the tasks as they are now, not from the scheduler's last pass.
  model::Service s = stored;
  BERTH_ASSIGN(auto tasks, ctx.store.list_tasks(live_tasks_of(s)));
  for (auto& d : s.deployments) {
    d.running_count = d.pending_count = 0;
    for (const auto& t : tasks) {
      if (t.started_by == d.id) (t.last_status == "RUNNING" ? d.running_count : d.pending_count) += 1;
    }
  }
  return model::service_to_json(s, ctx.arns, with_tags ? &tags : nullptr);
}

// Applies `change` to the stored service with optimistic retries (the scheduler writes too).
Result<model::Service> change_service(Context& ctx, const std::string& cluster, const std::string& name,
                                      const std::function<Result<void>(model::Service&)>& change) {
  return store::update_with_retry(20, Code::server, "The service kept changing; try again.",
                                  [&]() -> Result<std::optional<model::Service>> {
    BERTH_ASSIGN(auto found, ctx.store.find_service(cluster, name));
    if (!found) return fail(Code::service_not_found, "Service not found.");
    model::Service s = *found;
    BERTH_TRY(change(s));
    const long long version = s.version++;
    BERTH_ASSIGN(bool saved, ctx.store.replace_service(s, version));
    if (!saved) return std::nullopt;
    ctx.tasks_changed();
    return s;
  });
}

}  // namespace

Result<Json> create_service(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  model::Service s;
  s.cluster = cluster;
  s.name = request["serviceName"];
  BERTH_TRY(model::check_name("Service name", s.name));
  s.scheduling_strategy = request.value("schedulingStrategy", "REPLICA");
  const bool daemon = s.scheduling_strategy == "DAEMON";
  if (daemon) {
    // One task per instance: no count, no strategy; old tasks go before new ones start.
    if (request.contains("desiredCount")) return fail(Code::invalid_parameter, "DAEMON services take no desiredCount.");
    if (request.contains("placementStrategy")) return fail(Code::invalid_parameter, "DAEMON services take no placementStrategy.");
    s.minimum_healthy_percent = 0;
  }
  if (request.value("deploymentController", Json::object()).value("type", "ECS") != "ECS") {
    return fail(Code::invalid_parameter, "Only the ECS deployment controller is supported.");
  }
  if (!request.contains("taskDefinition")) return fail(Code::invalid_parameter, "taskDefinition is required.");
  if (!daemon && !request.contains("desiredCount")) {
    return fail(Code::invalid_parameter, "desiredCount is required for the REPLICA scheduling strategy.");
  }
  s.desired_count = request.value("desiredCount", 0);
  if (s.desired_count < 0) return fail(Code::invalid_parameter, "desiredCount must not be negative.");
  BERTH_ASSIGN(auto td, runnable_task_definition_of(ctx, request["taskDefinition"]));
  BERTH_TRY(apply_deployment_configuration(s, request));
  if (daemon && s.maximum_percent != 100) {
    s.maximum_percent = request.contains("deploymentConfiguration") &&
                                request["deploymentConfiguration"].contains("maximumPercent")
                            ? s.maximum_percent : 100;
    if (s.maximum_percent != 100) return fail(Code::invalid_parameter, "DAEMON services need maximumPercent 100.");
  }
  BERTH_TRY(check_placement(request));
  s.placement_constraints = request.value("placementConstraints", Json::array());
  s.placement_strategy = request.value("placementStrategy", Json::array());
  s.health_check_grace_period_seconds = request.value("healthCheckGracePeriodSeconds", 0);
  s.created_at = ctx.clock.now_ms();
  s.throttle_reset_at = s.created_at;
  model::Deployment d;
  d.id = new_deployment_id();
  d.family = td.family;
  d.revision = td.revision;
  d.desired_count = s.desired_count;
  d.created_at = d.updated_at = s.created_at;
  s.deployments.push_back(d);
  std::vector<model::Tag> tags;
  if (request.contains("tags")) {
    BERTH_ASSIGN(tags, model::read_tags(request["tags"]));
  }
  BERTH_ASSIGN(auto created, ctx.store.create_service(s, tags));
  ctx.tasks_changed();
  BERTH_ASSIGN(auto body, describe_one(ctx, created, false));
  return Json{{"service", body}};
}

Result<Json> update_service(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  const auto name = resource_id_of(ctx, cluster, "service", request["service"]);
  if (!name) return fail(Code::service_not_found, "Service not found.");
  std::optional<model::TaskDefinition> td;
  if (request.contains("taskDefinition")) {
    BERTH_ASSIGN(td, runnable_task_definition_of(ctx, request["taskDefinition"]));
  }
  BERTH_TRY(check_placement(request));
  const EpochMs now = ctx.clock.now_ms();
  BERTH_ASSIGN(auto s, change_service(ctx, cluster, *name, [&](model::Service& s) -> Result<void> {
    if (s.status != "ACTIVE") return fail(Code::service_not_active, "Service was not ACTIVE.");
    if (request.contains("desiredCount")) {
      if (s.scheduling_strategy == "DAEMON") return fail(Code::invalid_parameter, "DAEMON services take no desiredCount.");
      if (request["desiredCount"].get<int>() < 0) return fail(Code::invalid_parameter, "desiredCount must not be negative.");
      s.desired_count = request["desiredCount"];
    }
    BERTH_TRY(apply_deployment_configuration(s, request));
    if (request.contains("placementConstraints")) s.placement_constraints = request["placementConstraints"];
    if (request.contains("placementStrategy")) s.placement_strategy = request["placementStrategy"];
    if (request.contains("healthCheckGracePeriodSeconds")) s.health_check_grace_period_seconds = request["healthCheckGracePeriodSeconds"];
    const bool new_definition = td && (td->family != s.primary().family || td->revision != s.primary().revision);
    if (new_definition || request.value("forceNewDeployment", false)) {
      for (auto& d : s.deployments) d.status = "ACTIVE";
      model::Deployment d;
      d.id = new_deployment_id();
      d.family = td ? td->family : s.primary().family;
      d.revision = td ? td->revision : s.primary().revision;
      d.created_at = d.updated_at = now;
      s.deployments.insert(s.deployments.begin(), d);
    }
    s.deployments.front().desired_count = s.desired_count;
    s.throttle_reset_at = now;  // updating a service resets its start throttling, as in ECS
    s.next_launch_at = 0;
    return {};
  }));
  BERTH_ASSIGN(auto body, describe_one(ctx, s, false));
  return Json{{"service", body}};
}

Result<Json> delete_service(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  const auto name = resource_id_of(ctx, cluster, "service", request["service"]);
  if (!name) return fail(Code::service_not_found, "Service not found.");
  const bool force = request.value("force", false);
  BERTH_ASSIGN(auto s, change_service(ctx, cluster, *name, [&](model::Service& s) -> Result<void> {
    if (s.status != "ACTIVE") return fail(Code::service_not_active, "Service was not ACTIVE.");
    if (s.scheduling_strategy == "REPLICA" && s.desired_count > 0 && !force) {
      return fail(Code::invalid_parameter,
                  "The service cannot be stopped while it is scaled above 0: set desiredCount to 0 or use force.");
    }
    s.status = "DRAINING";
    s.desired_count = 0;
    return {};
  }));
  BERTH_ASSIGN(auto body, describe_one(ctx, s, false));
  return Json{{"service", body}};
}

Result<Json> describe_services(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  const auto names = strings_of(request["services"]);
  if (names.empty() || names.size() > 10) return fail(Code::invalid_parameter, "DescribeServices takes 1 to 10 services.");
  const auto include = request.value("include", Json::array());
  const bool with_tags = std::find(include.begin(), include.end(), "TAGS") != include.end();
  Json response{{"services", Json::array()}, {"failures", Json::array()}};
  for (const auto& text : names) {
    const auto name = resource_id_of(ctx, cluster, "service", text);
    std::optional<model::Service> s;
    if (name) {
      BERTH_ASSIGN(s, ctx.store.find_service(cluster, *name));
    }
    if (!s) {
      response["failures"].push_back({{"arn", is_arn(text) ? text : ctx.arns.service(cluster, text)}, {"reason", "MISSING"}});
      continue;
    }
    BERTH_ASSIGN(auto body, describe_one(ctx, *s, with_tags));
    response["services"].push_back(std::move(body));
  }
  return response;
}

Result<Json> list_services(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  BERTH_ASSIGN(auto page, model::read_page_request(request, 10, "services"));
  // ECS hides DRAINING services from ListServices.
  BERTH_ASSIGN(auto services, ctx.store.list_services(cluster, {"ACTIVE"}, page.after, 100000));
  const std::string strategy = request.value("schedulingStrategy", "");
  std::erase_if(services, [&](const model::Service& s) { return !strategy.empty() && s.scheduling_strategy != strategy; });
  const bool more = services.size() > page.limit;
  if (more) services.resize(page.limit);
  Json response{{"serviceArns", Json::array()}};
  for (const auto& s : services) response["serviceArns"].push_back(ctx.arns.service(cluster, s.name));
  set_next_token(response, more, "services", services.empty() ? "" : services.back().name);
  return response;
}

}  // namespace berth::svc
