#include "model/service_deployment_requests.hpp"

#include "model/request_members.hpp"
#include "model/schedule.hpp"

namespace berth::model {
namespace {

const Shape k_string = string_shape();
const Shape k_strings = list_of(k_string);
const Shape k_timestamp = timestamp_shape();
const Shape k_max_results = integer_shape(1, 100);
const Shape k_status = enum_shape(wire_names<ServiceDeploymentStatus>());
const Shape k_statuses = list_of(k_status);
const Shape k_created_at = structure({{"before", &k_timestamp}, {"after", &k_timestamp}});
const Shape k_stop_type = enum_shape({"ABORT", "ROLLBACK"});
const Shape k_hook_action = enum_shape({"ROLLBACK", "CONTINUE"});

const Shape k_list_service_deployments = structure({{"service", &k_string, true},
                                                    {"cluster", &k_string},
                                                    {"status", &k_statuses},
                                                    {"createdAt", &k_created_at},
                                                    {"nextToken", &k_string},
                                                    {"maxResults", &k_max_results}});
const Shape k_describe_service_deployments = structure({{"serviceDeploymentArns", &k_strings, true}});
const Shape k_describe_service_revisions = structure({{"serviceRevisionArns", &k_strings, true}});
const Shape k_stop_service_deployment =
    structure({{"serviceDeploymentArn", &k_string, true}, {"stopType", &k_stop_type}});
const Shape k_continue_service_deployment = structure(
    {{"serviceDeploymentArn", &k_string, true}, {"hookId", &k_string, true}, {"action", &k_hook_action}});
const Shape k_list_services_by_namespace =
    structure({{"namespace", &k_string, true}, {"nextToken", &k_string}, {"maxResults", &k_max_results}});

void put_time(Json& out, const char* member, EpochMs ms) {
  if (ms != 0) out[member] = epoch_seconds(ms);
}


// ECS's monitor status of the circuit breaker over one deployment.
std::string_view breaker_status(const ServiceDeploymentView& v) {
  if (!v.circuit_breaker) return "DISABLED";
  if (v.record.failed_tasks >= v.failure_threshold && v.failure_threshold > 0) return "TRIGGERED";
  return is_finished(v.record.status) ? "MONITORING_COMPLETE" : "MONITORING";
}

Json brief_to_json(const ServiceDeploymentView& v, const ArnScope& arns) {
  const auto& r = v.record;
  Json out{{"serviceDeploymentArn", history_arn(arns, k_service_deployment, v.key)},
           {"serviceArn", arns.service(v.key.cluster, v.key.service)},
           {"clusterArn", arns.cluster(v.key.cluster)},
           {"createdAt", epoch_seconds(r.created_at)},
           {"targetServiceRevisionArn",
            history_arn(arns, k_service_revision, {v.key.cluster, v.key.service, r.target_revision})},
           {"status", std::string(to_wire(r.status))},
           {"statusReason", r.status_reason}};
  put_time(out, "startedAt", r.started_at);
  put_time(out, "finishedAt", r.finished_at);
  return out;
}

Json deployment_to_json(const ServiceDeploymentView& v, const ArnScope& arns) {
  const auto& r = v.record;
  Json sources = Json::array();
  for (const auto& [id, counts] : v.sources) sources.push_back(revision_summary(arns, v.key, id, counts));
  Json out{{"serviceDeploymentArn", history_arn(arns, k_service_deployment, v.key)},
           {"serviceArn", arns.service(v.key.cluster, v.key.service)},
           {"clusterArn", arns.cluster(v.key.cluster)},
           {"createdAt", epoch_seconds(r.created_at)},
           {"updatedAt", epoch_seconds(r.updated_at)},
           {"sourceServiceRevisions", std::move(sources)},
           {"targetServiceRevision", revision_summary(arns, v.key, r.target_revision, r.target_counts)},
           {"status", std::string(to_wire(r.status))},
           {"statusReason", r.status_reason},
           {"deploymentConfiguration", r.deployment_configuration},
           {"deploymentCircuitBreaker",
            {{"status", std::string(breaker_status(v))}, {"failureCount", r.failed_tasks}, {"threshold", v.failure_threshold}}}};
  put_time(out, "startedAt", r.started_at);
  put_time(out, "finishedAt", r.finished_at);
  put_time(out, "stoppedAt", r.stopped_at);
  if (!r.rollback_revision.empty()) {
    out["rollback"] = {{"reason", r.rollback_reason},
                       {"startedAt", epoch_seconds(r.rollback_started_at)},
                       {"serviceRevisionArn",
                        history_arn(arns, k_service_revision, {v.key.cluster, v.key.service, r.rollback_revision})}};
  }
  return out;
}

Json revision_to_json(const ServiceRevisionView& v, const ArnScope& arns) {
  const auto& rev = v.revision;
  Json out{{"serviceRevisionArn", history_arn(arns, k_service_revision, v.key)},
           {"serviceArn", arns.service(v.key.cluster, v.key.service)},
           {"clusterArn", arns.cluster(v.key.cluster)},
           {"taskDefinition", arns.task_definition(rev.family, rev.revision)},
           {"launchType", "EC2"},
           {"createdAt", epoch_seconds(rev.created_at)}};
  service_attachments_to_json(rev.attachments, out);
  out.erase("roleArn");  // a service's, not a revision's
  deployment_attachments_to_json(rev.attachments, out);
  return out;
}

}  // namespace

Json revision_summary(const ArnScope& arns, const HistoryKey& service, const std::string& id, const RevisionCounts& c) {
  return {{"arn", history_arn(arns, k_service_revision, {service.cluster, service.service, id})},
          {"requestedTaskCount", c.requested},
          {"runningTaskCount", c.running},
          {"pendingTaskCount", c.pending}};
}

namespace deployment_shapes {
const Shape& list_service_deployments = k_list_service_deployments;
const Shape& describe_service_deployments = k_describe_service_deployments;
const Shape& describe_service_revisions = k_describe_service_revisions;
const Shape& stop_service_deployment = k_stop_service_deployment;
const Shape& continue_service_deployment = k_continue_service_deployment;
const Shape& list_services_by_namespace = k_list_services_by_namespace;
}  // namespace deployment_shapes

std::string history_arn(const ArnScope& arns, std::string_view type, const HistoryKey& key) {
  return arns.prefix() + std::string(type) + "/" + key.cluster + "/" + key.service + "/" + key.id;
}

std::optional<HistoryKey> history_key_of(const ArnScope& arns, std::string_view type, std::string_view arn) {
  const auto parsed = parse_ecs_arn(arn);
  if (!parsed || parsed->region != arns.region || parsed->account != arns.account || parsed->resource_type != type) {
    return std::nullopt;
  }
  const std::string& rest = parsed->resource;
  const auto first = rest.find('/');
  const auto last = rest.rfind('/');
  if (first == std::string::npos || first == last || first == 0 || last == first + 1 || last + 1 == rest.size()) {
    return std::nullopt;
  }
  HistoryKey key{rest.substr(0, first), rest.substr(first + 1, last - first - 1), rest.substr(last + 1)};
  if (key.service.find('/') != std::string::npos) return std::nullopt;
  return key;
}

Result<ListServiceDeploymentsRequest> decode_list_service_deployments(const Json& body) {
  ListServiceDeploymentsRequest request;
  request.cluster = optional_string(body, "cluster");
  request.service = body["service"].get<std::string>();
  for (const auto& s : body.value("status", Json::array())) {
    const auto status = from_wire<ServiceDeploymentStatus>(s.get<std::string>());
    BERTH_CHECK(status.has_value());  // the shape allows the enum's names only
    request.statuses.push_back(*status);
  }
  const Json created = body.value("createdAt", Json::object());
  if (created.contains("after")) {
    BERTH_ASSIGN(auto seconds, timestamp_of(created["after"], "createdAt.after"));
    request.created_after = seconds * 1000;
  }
  if (created.contains("before")) {
    BERTH_ASSIGN(auto seconds, timestamp_of(created["before"], "createdAt.before"));
    request.created_before = seconds * 1000;
  }
  if (request.created_after && request.created_before && *request.created_after > *request.created_before) {
    return fail(Code::invalid_parameter, "createdAt.after must not be later than createdAt.before.");
  }
  BERTH_ASSIGN(request.page, read_page_request(body, 20, "serviceDeployments"));
  return request;
}

Result<DescribeServiceDeploymentsRequest> decode_describe_service_deployments(const Json& body) {
  BERTH_ASSIGN(auto arns, described_arns(body["serviceDeploymentArns"], "serviceDeploymentArns"));
  return DescribeServiceDeploymentsRequest{std::move(arns)};
}

Result<DescribeServiceRevisionsRequest> decode_describe_service_revisions(const Json& body) {
  BERTH_ASSIGN(auto arns, described_arns(body["serviceRevisionArns"], "serviceRevisionArns"));
  return DescribeServiceRevisionsRequest{std::move(arns)};
}

Result<StopServiceDeploymentRequest> decode_stop_service_deployment(const Json& body) {
  if (body.value("stopType", "ROLLBACK") != "ROLLBACK") {
    return fail(Code::invalid_parameter,
                "stopType ABORT applies to blue/green deployments; berth's rolling deployments stop by ROLLBACK.");
  }
  return StopServiceDeploymentRequest{body["serviceDeploymentArn"].get<std::string>()};
}

Result<ContinueServiceDeploymentRequest> decode_continue_service_deployment(const Json& body) {
  return ContinueServiceDeploymentRequest{body["serviceDeploymentArn"].get<std::string>(), body["hookId"].get<std::string>(),
                                          body.value("action", "CONTINUE") == "ROLLBACK"};
}

Result<ListServicesByNamespaceRequest> decode_list_services_by_namespace(const Json& body) {
  ListServicesByNamespaceRequest request;
  request.namespace_name = body["namespace"].get<std::string>();
  if (request.namespace_name.empty()) return fail(Code::invalid_parameter, "namespace must not be empty.");
  BERTH_ASSIGN(request.page, read_page_request(body, 10, "servicesByNamespace"));
  return request;
}

Json encode_list_service_deployments(const ListServiceDeploymentsReply& reply, const ArnScope& arns) {
  Json list = Json::array();
  for (const auto& v : reply.deployments) list.push_back(brief_to_json(v, arns));
  Json out{{"serviceDeployments", std::move(list)}};
  if (reply.next_token) out["nextToken"] = *reply.next_token;
  return out;
}

Json encode_describe_service_deployments(const DescribeServiceDeploymentsReply& reply, const ArnScope& arns) {
  Json list = Json::array();
  for (const auto& v : reply.deployments) list.push_back(deployment_to_json(v, arns));
  return {{"serviceDeployments", std::move(list)}, {"failures", failures_to_json(reply.failures)}};
}

Json encode_describe_service_revisions(const DescribeServiceRevisionsReply& reply, const ArnScope& arns) {
  Json list = Json::array();
  for (const auto& v : reply.revisions) list.push_back(revision_to_json(v, arns));
  return {{"serviceRevisions", std::move(list)}, {"failures", failures_to_json(reply.failures)}};
}

Json encode_service_deployment_arn(const ServiceDeploymentArnReply& reply, const ArnScope& arns) {
  return {{"serviceDeploymentArn", history_arn(arns, k_service_deployment, reply.key)}};
}

Json encode_list_services_by_namespace(const Page& page) { return page_to_json("serviceArns", page); }

}  // namespace berth::model
