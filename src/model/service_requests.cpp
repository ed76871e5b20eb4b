#include "model/service_requests.hpp"

#include "model/names.hpp"
#include "model/request_members.hpp"
#include "model/task_requests.hpp"

namespace berth::model {
namespace {

std::optional<int> optional_int(const Json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  return it->get<int>();
}

std::optional<SchedulingStrategy> scheduling_strategy_of(const Json& body) {
  const auto text = optional_string(body, "schedulingStrategy");
  if (!text) return std::nullopt;
  const auto strategy = from_wire<SchedulingStrategy>(*text);
  BERTH_CHECK(strategy.has_value());  // the shape allows REPLICA and DAEMON only
  return strategy;
}

Result<DeploymentConfiguration> decode_deployment_configuration(const Json& given) {
  DeploymentConfiguration c{given, optional_int(given, "maximumPercent"), optional_int(given, "minimumHealthyPercent")};
  if (c.minimum_healthy_percent && (*c.minimum_healthy_percent < 0 || *c.minimum_healthy_percent > 100)) {
    return fail(Code::invalid_parameter, "minimumHealthyPercent must be between 0 and 100.");
  }
  if (c.maximum_percent && (*c.maximum_percent < 100 || *c.maximum_percent > 10000)) {
    return fail(Code::invalid_parameter, "maximumPercent must be between 100 and 10000.");
  }
  return c;
}

Result<std::optional<DeploymentConfiguration>> deployment_configuration_of(const Json& body) {
  if (!body.contains("deploymentConfiguration")) return std::nullopt;
  return decode_deployment_configuration(body["deploymentConfiguration"]);
}

// What ECS refuses of a service's placement before anything is placed (the type and field
// values themselves were checked by the shape).
Result<void> check_placement(const Json& body) {
  for (const auto& c : body.value("placementConstraints", Json::array())) {
    if (c.value("type", "") == "memberOf" && !c.contains("expression")) {
      return fail(Code::invalid_parameter, "memberOf needs an expression.");
    }
  }
  if (body.value("placementStrategy", Json::array()).size() > 5) {
    return fail(Code::invalid_parameter, "At most 5 placement strategies are allowed.");
  }
  return {};
}

std::optional<Json> optional_member(const Json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  return *it;
}

// ECS (the default) or EXTERNAL; CODE_DEPLOY needs AWS CodeDeploy and a load balancer.
Result<DeploymentController> deployment_controller_of(const Json& body) {
  const auto text = body.value("deploymentController", Json::object()).value("type", "ECS");
  const auto controller = from_wire<DeploymentController>(text);
  BERTH_CHECK(controller.has_value());  // the shape allows the three names only
  if (*controller == DeploymentController::code_deploy) {
    return fail(Code::unsupported_feature,
                "The CODE_DEPLOY deployment controller needs AWS CodeDeploy and an Elastic Load Balancing target "
                "group; a gateway has neither. Use the EXTERNAL deployment controller and drive blue/green or canary "
                "rollouts with task sets (CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet).");
  }
  return *controller;
}

// ECS's refusals of launch settings (check_launch_settings), except volumeConfigurations: a
// service keeps them (model/service_attachments.hpp), where a task could not run with them.
Result<void> check_service_launch_settings(const Json& body) {
  if (!body.contains("volumeConfigurations")) return check_launch_settings(body);
  Json launch = body;
  launch.erase("volumeConfigurations");
  return check_launch_settings(launch);
}

Json description_to_json(const ServiceDescription& d, const ArnScope& arns) {
  return service_to_json(d.service, arns, d.tags ? &*d.tags : nullptr);
}

}  // namespace

Result<CreateServiceRequest> decode_create_service(const Json& body) {
  CreateServiceRequest request;
  request.cluster = optional_string(body, "cluster");
  request.name = body["serviceName"].get<std::string>();
  BERTH_TRY(check_name("Service name", request.name));
  BERTH_TRY(check_service_launch_settings(body));
  BERTH_ASSIGN(request.capacity, read_launch_capacity(body));
  request.scheduling_strategy = scheduling_strategy_of(body).value_or(SchedulingStrategy::replica);
  const bool daemon = request.scheduling_strategy == SchedulingStrategy::daemon;
  if (daemon) {
    // One task per instance: no count, no strategy.
    if (body.contains("desiredCount")) return fail(Code::invalid_parameter, "DAEMON services take no desiredCount.");
    if (body.contains("placementStrategy")) {
      return fail(Code::invalid_parameter, "DAEMON services take no placementStrategy.");
    }
  }
  BERTH_ASSIGN(request.deployment_controller, deployment_controller_of(body));
  const bool external = request.deployment_controller == DeploymentController::external;
  if (external && daemon) {
    return fail(Code::invalid_parameter, "The EXTERNAL deployment controller does not support the DAEMON scheduling strategy.");
  }
  const auto definition = optional_string(body, "taskDefinition");
  if (!definition && !external) return fail(Code::invalid_parameter, "taskDefinition is required.");
  request.task_definition = definition.value_or("");
  if (!daemon && !body.contains("desiredCount")) {
    return fail(Code::invalid_parameter, "desiredCount is required for the REPLICA scheduling strategy.");
  }
  request.desired_count = optional_int(body, "desiredCount").value_or(0);
  if (request.desired_count < 0) return fail(Code::invalid_parameter, "desiredCount must not be negative.");
  BERTH_ASSIGN(request.deployment_configuration, deployment_configuration_of(body));
  if (daemon && request.deployment_configuration && request.deployment_configuration->maximum_percent.value_or(100) != 100) {
    return fail(Code::invalid_parameter, "DAEMON services need maximumPercent 100.");
  }
  BERTH_TRY(check_placement(body));
  request.placement_constraints = body.value("placementConstraints", Json::array());
  request.placement_strategy = body.value("placementStrategy", Json::array());
  request.health_check_grace_period_seconds = optional_int(body, "healthCheckGracePeriodSeconds").value_or(0);
  request.enable_execute_command = body.value("enableExecuteCommand", false);
  if (body.contains("tags")) {
    BERTH_ASSIGN(request.tags, read_tags(body["tags"]));
  }
  BERTH_ASSIGN(const auto tagging, read_task_tagging(body, TaskStarter::service));
  request.tagging = tagging.applied_to({});
  BERTH_ASSIGN(request.attachments, attachments_update_of(body));
  request.role = optional_string(body, "role");
  return request;
}

Result<UpdateServiceRequest> decode_update_service(const Json& body) {
  UpdateServiceRequest request;
  request.cluster = optional_string(body, "cluster");
  request.service = body["service"].get<std::string>();
  BERTH_TRY(check_service_launch_settings(body));
  BERTH_ASSIGN(const auto capacity, read_launch_capacity(body));
  request.capacity_provider_strategy = capacity.strategy;
  request.desired_count = optional_int(body, "desiredCount");
  if (request.desired_count && *request.desired_count < 0) {
    return fail(Code::invalid_parameter, "desiredCount must not be negative.");
  }
  request.task_definition = optional_string(body, "taskDefinition");
  BERTH_ASSIGN(request.deployment_configuration, deployment_configuration_of(body));
  BERTH_TRY(check_placement(body));
  request.placement_constraints = optional_member(body, "placementConstraints");
  request.placement_strategy = optional_member(body, "placementStrategy");
  request.health_check_grace_period_seconds = optional_int(body, "healthCheckGracePeriodSeconds");
  if (body.contains("enableExecuteCommand")) request.enable_execute_command = body["enableExecuteCommand"].get<bool>();
  request.force_new_deployment = body.value("forceNewDeployment", false);
  BERTH_ASSIGN(request.tagging, read_task_tagging(body, TaskStarter::service));
  BERTH_ASSIGN(request.attachments, attachments_update_of(body));
  return request;
}

Result<DeleteServiceRequest> decode_delete_service(const Json& body) {
  return DeleteServiceRequest{optional_string(body, "cluster"), body["service"].get<std::string>(),
                              body.value("force", false)};
}

Result<DescribeServicesRequest> decode_describe_services(const Json& body) {
  DescribeServicesRequest request{optional_string(body, "cluster"), strings_of(body["services"]),
                                  includes(body, "TAGS")};
  if (request.services.empty() || request.services.size() > 10) {
    return fail(Code::invalid_parameter, "DescribeServices takes 1 to 10 services.");
  }
  return request;
}

Result<ListServicesRequest> decode_list_services(const Json& body) {
  ListServicesRequest request;
  request.cluster = optional_string(body, "cluster");
  request.scheduling_strategy = scheduling_strategy_of(body);
  BERTH_ASSIGN(request.page, read_page_request(body, 10, "services"));
  return request;
}

Json encode_service_reply(const ServiceReply& reply, const ArnScope& arns) {
  return Json{{"service", description_to_json(reply.service, arns)}};
}

Json encode_describe_services(const DescribeServicesReply& reply, const ArnScope& arns) {
  Json services = Json::array();
  for (const auto& d : reply.services) services.push_back(description_to_json(d, arns));
  return Json{{"services", std::move(services)}, {"failures", failures_to_json(reply.failures)}};
}

Json encode_list_services(const Page& page) { return page_to_json("serviceArns", page); }

}  // namespace berth::model
