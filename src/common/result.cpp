#include "common/result.hpp"

#include <cerrno>
#include <cstring>

namespace berth {

std::string_view code_name(Code code) {
  switch (code) {
    case Code::client: return "ClientException";
    case Code::invalid_parameter: return "InvalidParameterException";
    case Code::serialization: return "SerializationException";
    case Code::unknown_operation: return "UnknownOperationException";
    case Code::cluster_not_found: return "ClusterNotFoundException";
    case Code::service_not_found: return "ServiceNotFoundException";
    case Code::service_not_active: return "ServiceNotActiveException";
    case Code::cluster_contains_container_instances: return "ClusterContainsContainerInstancesException";
    case Code::cluster_contains_services: return "ClusterContainsServicesException";
    case Code::cluster_contains_tasks: return "ClusterContainsTasksException";
    case Code::resource_not_found: return "ResourceNotFoundException";
    case Code::resource_in_use: return "ResourceInUseException";
    case Code::limit_exceeded: return "LimitExceededException";
    case Code::target_not_found: return "TargetNotFoundException";
    case Code::attribute_limit_exceeded: return "AttributeLimitExceededException";
    case Code::payload_too_large: return "RequestEntityTooLargeException";
    case Code::conflict: return "ConflictException";
    case Code::resource_exists: return "ResourceExistsException";
    case Code::resource_already_exists: return "ResourceAlreadyExistsException";
    case Code::invalid_request: return "InvalidRequestException";
    case Code::validation: return "ValidationException";
    case Code::parameter_not_found: return "ParameterNotFound";
    case Code::parameter_already_exists: return "ParameterAlreadyExists";
    case Code::parameter_version_not_found: return "ParameterVersionNotFound";
    case Code::daemon_not_active: return "DaemonNotActiveException";
    case Code::daemon_not_found: return "DaemonNotFoundException";
    case Code::namespace_not_found: return "NamespaceNotFoundException";
    case Code::service_deployment_not_found: return "ServiceDeploymentNotFoundException";
    case Code::task_set_not_found: return "TaskSetNotFoundException";
    case Code::unsupported_feature: return "UnsupportedFeatureException";
    case Code::load_balancer_not_found: return "LoadBalancerNotFound";
    case Code::target_group_not_found: return "TargetGroupNotFound";
    case Code::listener_not_found: return "ListenerNotFound";
    case Code::rule_not_found: return "RuleNotFound";
    case Code::duplicate_load_balancer_name: return "DuplicateLoadBalancerName";
    case Code::duplicate_target_group_name: return "DuplicateTargetGroupName";
    case Code::duplicate_listener: return "DuplicateListener";
    case Code::priority_in_use: return "PriorityInUse";
    case Code::invalid_target: return "InvalidTarget";
    case Code::invalid_configuration_request: return "InvalidConfigurationRequest";
    case Code::server: return "ServerException";
  }
  return "ServerException";
}

Error Error::wrap(std::string_view context) const {
  Error wrapped = *this;
  wrapped.message = std::string(context) + ": " + message;
  return wrapped;
}

std::unexpected<Error> sys_fail(std::string_view what) {
  const int saved = errno;
  return fail(Code::server, std::string(what) + ": " + std::strerror(saved), saved);
}

void check_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "berth: invariant broken: %s at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace berth
