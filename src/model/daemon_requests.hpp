// Typed requests and replies of the ECS Daemon API: decoders from shape-checked bodies (validated
// once, with ECS's errors; ARNs are parsed by the use cases, which know the region and account)
// and the encoders of the replies. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/daemon.hpp"
#include "model/failure.hpp"
#include "model/paging.hpp"
#include "model/schema.hpp"
#include "model/tags.hpp"
#include "model/task_definition.hpp"

namespace berth::model {

struct RegisterDaemonTaskDefinitionRequest {
  std::string family;  // the user's
  Json body;           // canonical task definition body, family already "daemon:<family>"
  std::vector<Tag> tags;
};

// DescribeDaemonTaskDefinition, DeleteDaemonTaskDefinition: family, family:revision or ARN.
struct DaemonTaskDefinitionRef {
  std::string family;
  std::optional<long long> revision;  // nothing: the latest ACTIVE
};

struct ListDaemonTaskDefinitionsRequest {
  std::string family_prefix;
  std::optional<std::string> family;              // exact
  bool last_registered_only = false;              // revision LAST_REGISTERED
  std::optional<TaskDefinitionStatus> status;     // nothing: ALL
  bool descending = false;
  PageRequest page;
};

struct DaemonSettings {
  DaemonTaskDefinitionRef task_definition;
  std::vector<std::string> capacity_providers;  // at least one
  Json deployment_configuration = Json::object();
  std::string propagate_tags = "NONE";
  bool managed_tags = false;
  bool execute_command = false;
};

struct CreateDaemonRequest {
  std::string name;
  std::optional<std::string> cluster;  // name or ARN; nothing = default
  DaemonSettings settings;
  std::vector<Tag> tags;
};

struct UpdateDaemonRequest {
  std::string daemon_arn;
  DaemonSettings settings;
};

struct DaemonArnRequest {
  std::string daemon_arn;
};

struct ListDaemonsRequest {
  std::optional<std::string> cluster;
  std::vector<std::string> capacity_providers;  // any of them; empty = all
  PageRequest page;
};

struct ListDaemonDeploymentsRequest {
  std::string daemon_arn;
  std::vector<DaemonDeploymentStatus> statuses;  // empty = all
  std::optional<EpochMs> created_before;
  std::optional<EpochMs> created_after;
  PageRequest page;
};

struct DaemonArnsRequest {
  std::vector<std::string> arns;  // 1 to 20
};

// Replies.
struct DaemonTaskDefinitionReply {
  TaskDefinition definition;  // a stored daemon task definition
};
struct DaemonTaskDefinitionsPage {
  std::vector<TaskDefinition> definitions;
  std::optional<std::string> next_token;
};
// CreateDaemon, UpdateDaemon, DeleteDaemon.
struct DaemonChangeReply {
  Daemon daemon;
};
// Tasks of one revision now: running ones and ones being stopped, and on how many instances.
struct DaemonRevisionCounts {
  std::string revision_id;
  int running_tasks = 0;
  int running_instances = 0;
  int draining_instances = 0;
};
struct DescribeDaemonReply {
  Daemon daemon;
  std::vector<DaemonRevisionCounts> current;  // revisions with tasks, and the target revision
};
struct DaemonsPage {
  std::vector<Daemon> daemons;
  std::optional<std::string> next_token;
};
struct DescribedDaemonDeployment {
  Daemon daemon;                 // the daemon it belongs to (ARNs, revisions)
  DaemonDeployment deployment;   // live status
  std::vector<DaemonRevisionCounts> counts;
};
struct DaemonDeploymentsReply {
  std::vector<DescribedDaemonDeployment> deployments;
  std::vector<Failure> failures;
  std::optional<std::string> next_token;  // ListDaemonDeployments
};
struct DaemonRevisionsReply {
  std::vector<std::pair<Daemon, DaemonRevision>> revisions;
  std::vector<Failure> failures;
};

// Decoders. Errors: ClientException for a bad family or a member a daemon container cannot
// have; InvalidParameterException for bad revisions, names, lists and numbers.
[[nodiscard]] Result<RegisterDaemonTaskDefinitionRequest> decode_register_daemon_task_definition(const Json& body);
[[nodiscard]] Result<DaemonTaskDefinitionRef> decode_daemon_task_definition_ref(const Json& body);
[[nodiscard]] Result<ListDaemonTaskDefinitionsRequest> decode_list_daemon_task_definitions(const Json& body);
[[nodiscard]] Result<CreateDaemonRequest> decode_create_daemon(const Json& body);
[[nodiscard]] Result<UpdateDaemonRequest> decode_update_daemon(const Json& body);
[[nodiscard]] Result<DaemonArnRequest> decode_daemon_arn_request(const Json& body);
[[nodiscard]] Result<ListDaemonsRequest> decode_list_daemons(const Json& body);
[[nodiscard]] Result<ListDaemonDeploymentsRequest> decode_list_daemon_deployments(const Json& body);
[[nodiscard]] Result<DaemonArnsRequest> decode_describe_daemon_deployments(const Json& body);
[[nodiscard]] Result<DaemonArnsRequest> decode_describe_daemon_revisions(const Json& body);

// Encoders.
Json encode_daemon_task_definition_arn(const DaemonTaskDefinitionReply& reply, const ArnScope& arns);
Json encode_daemon_task_definition(const DaemonTaskDefinitionReply& reply, const ArnScope& arns);
Json encode_daemon_task_definitions_page(const DaemonTaskDefinitionsPage& page, const ArnScope& arns);
Json encode_daemon_change(const DaemonChangeReply& reply, const ArnScope& arns);
Json encode_describe_daemon(const DescribeDaemonReply& reply, const ArnScope& arns);
Json encode_daemons_page(const DaemonsPage& page, const ArnScope& arns);
Json encode_daemon_deployments(const DaemonDeploymentsReply& reply, const ArnScope& arns);
Json encode_daemon_deployment_summaries(const DaemonDeploymentsReply& reply, const ArnScope& arns);
Json encode_daemon_revisions(const DaemonRevisionsReply& reply, const ArnScope& arns);

}  // namespace berth::model
