// Error and Result: the one way fallible code reports failure, mapped onto ECS exception names.
// Plain values; thread-compatible.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <expected>
#include <string>
#include <string_view>

namespace berth {

// Each code is an ECS (or generic AWS) exception name; api/ maps it to an HTTP status.
enum class Code {
  client,                  // ClientException
  invalid_parameter,       // InvalidParameterException
  serialization,           // SerializationException (malformed body, wrong JSON types)
  unknown_operation,       // UnknownOperationException
  cluster_not_found,       // ClusterNotFoundException
  service_not_found,       // ServiceNotFoundException
  service_not_active,      // ServiceNotActiveException
  cluster_contains_container_instances,
  cluster_contains_services,
  cluster_contains_tasks,
  resource_not_found,      // ResourceNotFoundException
  resource_in_use,         // ResourceInUseException
  limit_exceeded,          // LimitExceededException
  target_not_found,        // TargetNotFoundException
  attribute_limit_exceeded,
  payload_too_large,       // body over the limit (HTTP 413)
  conflict,                // ConflictException (EventBridge Scheduler)
  resource_exists,         // ResourceExistsException (Secrets Manager)
  resource_already_exists,  // ResourceAlreadyExistsException (CloudWatch Logs)
  invalid_request,         // InvalidRequestException (Secrets Manager: secret scheduled for deletion)
  validation,              // ValidationException (SSM's bad-input error)
  parameter_not_found,     // ParameterNotFound (SSM)
  parameter_already_exists,  // ParameterAlreadyExists (SSM: PutParameter without Overwrite)
  parameter_version_not_found,  // ParameterVersionNotFound (SSM: name:version selector)
  // ECS exceptions of the actions past the core (task sets, deployments, daemons, refusals).
  daemon_not_active,       // DaemonNotActiveException
  daemon_not_found,        // DaemonNotFoundException
  namespace_not_found,     // NamespaceNotFoundException
  service_deployment_not_found,  // ServiceDeploymentNotFoundException
  task_set_not_found,      // TaskSetNotFoundException
  unsupported_feature,     // UnsupportedFeatureException
  // Elastic Load Balancing v2's faults (their query error codes).
  load_balancer_not_found,  // LoadBalancerNotFound
  target_group_not_found,   // TargetGroupNotFound
  listener_not_found,       // ListenerNotFound
  rule_not_found,           // RuleNotFound
  duplicate_load_balancer_name,  // DuplicateLoadBalancerName
  duplicate_target_group_name,   // DuplicateTargetGroupName
  duplicate_listener,       // DuplicateListener
  priority_in_use,          // PriorityInUse
  invalid_target,           // InvalidTarget
  invalid_configuration_request,  // InvalidConfigurationRequest
  server,                  // ServerException
};

// Returns the ECS exception name written into `__type`.
std::string_view code_name(Code code);

struct Error {
  Code code = Code::server;
  std::string message;
  int sys_errno = 0;

  // Returns this error with `context` put in front of the message ("context: message").
  [[nodiscard]] Error wrap(std::string_view context) const;
};

template <class T>
using Result = std::expected<T, Error>;

// Returns an unexpected Error, for `return fail(Code::x, "...")`.
[[nodiscard]] inline std::unexpected<Error> fail(Code code, std::string message, int sys_errno = 0) {
  return std::unexpected(Error{code, std::move(message), sys_errno});
}

// Returns ServerException "<what>: <strerror(errno)>" carrying errno, for failed system calls.
[[nodiscard]] std::unexpected<Error> sys_fail(std::string_view what);

[[noreturn]] void check_failed(const char* expr, const char* file, int line);

}  // namespace berth

// Broken invariants are bugs, not Results: abort with the place.
#define BERTH_CHECK(cond) \
  do { if (!(cond)) ::berth::check_failed(#cond, __FILE__, __LINE__); } while (0)

// Propagation helpers: return the error of a failed Result from the enclosing function.
#define BERTH_TRY(expr)                                                        \
  do {                                                                         \
    auto&& berth_try_result_ = (expr);                                         \
    if (!berth_try_result_) return std::unexpected(berth_try_result_.error()); \
  } while (0)

#define BERTH_CONCAT_INNER(a, b) a##b
#define BERTH_CONCAT(a, b) BERTH_CONCAT_INNER(a, b)
// `BERTH_ASSIGN(auto x, f());` declares x from the value of f() or returns its error.
#define BERTH_ASSIGN(lhs, expr)                                                 \
  auto BERTH_CONCAT(berth_assign_, __LINE__) = (expr);                          \
  if (!BERTH_CONCAT(berth_assign_, __LINE__))                                   \
    return std::unexpected(BERTH_CONCAT(berth_assign_, __LINE__).error());      \
  lhs = std::move(*BERTH_CONCAT(berth_assign_, __LINE__))
