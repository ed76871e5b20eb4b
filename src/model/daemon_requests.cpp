#include "model/daemon_requests.hpp"

#include "model/capacity_provider.hpp"
#include "model/names.hpp"
#include "model/request_members.hpp"
#include "model/schedule.hpp"

namespace berth::model {
namespace {

Result<DaemonSettings> settings_of(const Json& body) {
  DaemonSettings s;
  BERTH_ASSIGN(s.task_definition, decode_daemon_task_definition_ref(Json{{"daemonTaskDefinition", body["daemonTaskDefinitionArn"]}}));
  s.capacity_providers = strings_of(body["capacityProviderArns"]);
  if (s.capacity_providers.empty()) {
    return fail(Code::invalid_parameter, "capacityProviderArns must name at least one capacity provider.");
  }
  if (body.contains("deploymentConfiguration")) {
    s.deployment_configuration = body["deploymentConfiguration"];
    if (s.deployment_configuration.contains("drainPercent")) {
      const double drain = s.deployment_configuration["drainPercent"].get<double>();
      if (!(drain >= 0.0 && drain <= 100.0)) {
        return fail(Code::invalid_parameter, "drainPercent must be between 0 and 100.");
      }
    }
    if (s.deployment_configuration.value("bakeTimeInMinutes", 0) < 0) {
      return fail(Code::invalid_parameter, "bakeTimeInMinutes must not be negative.");
    }
  }
  s.propagate_tags = body.value("propagateTags", "NONE");
  s.managed_tags = body.value("enableECSManagedTags", false);
  s.execute_command = body.value("enableExecuteCommand", false);
  return s;
}

// A createdAt bound in milliseconds, read as every request timestamp is (model/schedule.hpp).
Result<EpochMs> epoch_ms_of(const Json& value, const char* member) {
  BERTH_ASSIGN(const auto seconds, timestamp_of(value, member));
  return seconds * 1000;
}

Json epoch(EpochMs ms) { return epoch_seconds(ms); }

Json revision_counts_json(const Daemon& daemon, const DaemonRevisionCounts& c, const ArnScope& arns, bool per_instance) {
  Json providers = Json::array();
  for (const auto& p : daemon.capacity_providers) {
    // A gateway's instances belong to every capacity provider the daemon names (stored by name).
    const std::string arn = capacity_provider_arn(arns, p);
    providers.push_back(per_instance ? Json{{"arn", arn}, {"runningInstanceCount", c.running_instances},
                                            {"drainingInstanceCount", c.draining_instances}}
                                     : Json{{"arn", arn}, {"runningCount", c.running_tasks}});
  }
  Json out{{"arn", daemon_revision_arn(arns, daemon, c.revision_id)}, {"capacityProviders", std::move(providers)}};
  if (per_instance) {
    out["totalRunningInstanceCount"] = c.running_instances;
    out["totalDrainingInstanceCount"] = c.draining_instances;
  } else {
    out["totalRunningCount"] = c.running_tasks;
  }
  return out;
}

const DaemonRevisionCounts* counts_of(const std::vector<DaemonRevisionCounts>& counts, const std::string& revision_id) {
  for (const auto& c : counts) {
    if (c.revision_id == revision_id) return &c;
  }
  return nullptr;
}

Json deployment_summary(const Daemon& daemon, const DaemonDeployment& d, const ArnScope& arns) {
  Json out{{"daemonDeploymentArn", daemon_deployment_arn(arns, daemon, d.id)},
           {"daemonArn", daemon_arn(arns, daemon.cluster, daemon.name)},
           {"clusterArn", arns.cluster(daemon.cluster)},
           {"status", to_wire(d.status)},
           {"targetDaemonRevisionArn", daemon_revision_arn(arns, daemon, d.target_revision)},
           {"createdAt", epoch(d.created_at)},
           {"startedAt", epoch(d.started_at)}};
  if (!d.status_reason.empty()) out["statusReason"] = d.status_reason;
  if (d.stopped_at) out["stoppedAt"] = epoch(d.stopped_at);
  if (d.finished_at) out["finishedAt"] = epoch(d.finished_at);
  return out;
}

}  // namespace

Result<RegisterDaemonTaskDefinitionRequest> decode_register_daemon_task_definition(const Json& body) {
  RegisterDaemonTaskDefinitionRequest request;
  request.family = body["family"].get<std::string>();
  // The same rules as RegisterTaskDefinition (names, memory, mounts, limits, ...).
  BERTH_ASSIGN(auto normalized, normalize_task_definition(body));
  request.body = std::move(normalized.body);
  request.body["family"] = daemon_family(request.family);
  request.tags = std::move(normalized.tags);
  return request;
}

Result<DaemonTaskDefinitionRef> decode_daemon_task_definition_ref(const Json& body) {
  const std::string text = body["daemonTaskDefinition"].get<std::string>();
  std::string_view family_revision = text;
  if (is_arn(text)) {
    const auto arn = parse_ecs_arn(text);
    if (!arn || arn->resource_type != "daemon-task-definition") {
      return fail(Code::client, "'" + text + "' is not a daemon task definition ARN.");
    }
    family_revision = std::string_view(text).substr(text.size() - arn->resource.size());
  }
  // family or family:revision, read by the task definition rules.
  BERTH_ASSIGN(auto ref, parse_task_definition_ref(family_revision));
  return DaemonTaskDefinitionRef{std::move(ref.family), ref.revision};
}

Result<ListDaemonTaskDefinitionsRequest> decode_list_daemon_task_definitions(const Json& body) {
  ListDaemonTaskDefinitionsRequest request;
  BERTH_ASSIGN(request.page, read_page_request(body, 100, "daemonTaskDefinitions"));
  request.family_prefix = body.value("familyPrefix", "");
  request.family = optional_string(body, "family");
  if (request.family) BERTH_TRY(check_family(*request.family));
  request.last_registered_only = body.contains("revision");
  const std::string status = body.value("status", "ACTIVE");
  if (status != "ALL") request.status = from_wire<TaskDefinitionStatus>(status);
  request.descending = body.value("sort", "ASC") == "DESC";
  return request;
}

Result<CreateDaemonRequest> decode_create_daemon(const Json& body) {
  CreateDaemonRequest request;
  request.name = body["daemonName"].get<std::string>();
  BERTH_TRY(check_name("Daemon name", request.name));
  request.cluster = optional_string(body, "clusterArn");
  BERTH_ASSIGN(request.settings, settings_of(body));
  if (body.contains("tags")) {
    BERTH_ASSIGN(request.tags, read_tags(body["tags"]));
  }
  return request;
}

Result<UpdateDaemonRequest> decode_update_daemon(const Json& body) {
  UpdateDaemonRequest request;
  request.daemon_arn = body["daemonArn"].get<std::string>();
  BERTH_ASSIGN(request.settings, settings_of(body));
  return request;
}

Result<DaemonArnRequest> decode_daemon_arn_request(const Json& body) {
  return DaemonArnRequest{body["daemonArn"].get<std::string>()};
}

Result<ListDaemonsRequest> decode_list_daemons(const Json& body) {
  ListDaemonsRequest request;
  BERTH_ASSIGN(request.page, read_page_request(body, 100, "daemons"));
  request.cluster = optional_string(body, "clusterArn");
  if (body.contains("capacityProviderArns")) request.capacity_providers = strings_of(body["capacityProviderArns"]);
  return request;
}

Result<ListDaemonDeploymentsRequest> decode_list_daemon_deployments(const Json& body) {
  ListDaemonDeploymentsRequest request;
  BERTH_ASSIGN(request.page, read_page_request(body, 100, "daemonDeployments"));
  request.daemon_arn = body["daemonArn"].get<std::string>();
  for (const auto& s : strings_of(body.value("status", Json::array()))) {
    request.statuses.push_back(*from_wire<DaemonDeploymentStatus>(s));  // the shape's enum
  }
  if (body.contains("createdAt")) {
    const Json& created = body["createdAt"];
    if (created.contains("before")) {
      BERTH_ASSIGN(request.created_before, epoch_ms_of(created["before"], "createdAt.before"));
    }
    if (created.contains("after")) {
      BERTH_ASSIGN(request.created_after, epoch_ms_of(created["after"], "createdAt.after"));
    }
  }
  return request;
}

Result<DaemonArnsRequest> decode_describe_daemon_deployments(const Json& body) {
  BERTH_ASSIGN(auto arns, described_arns(body["daemonDeploymentArns"], "daemonDeploymentArns"));
  return DaemonArnsRequest{std::move(arns)};
}

Result<DaemonArnsRequest> decode_describe_daemon_revisions(const Json& body) {
  BERTH_ASSIGN(auto arns, described_arns(body["daemonRevisionArns"], "daemonRevisionArns"));
  return DaemonArnsRequest{std::move(arns)};
}

Json encode_daemon_task_definition_arn(const DaemonTaskDefinitionReply& reply, const ArnScope& arns) {
  return Json{{"daemonTaskDefinitionArn", arns.task_definition(reply.definition.family, reply.definition.revision)}};
}

Json encode_daemon_task_definition(const DaemonTaskDefinitionReply& reply, const ArnScope& arns) {
  const auto& td = reply.definition;
  const Json& body = td.body;
  Json out{{"daemonTaskDefinitionArn", arns.task_definition(td.family, td.revision)},
           {"family", daemon_family_name(td.family).value_or(td.family)},
           {"revision", td.revision},
           {"containerDefinitions", body.value("containerDefinitions", Json::array())},
           {"volumes", body.value("volumes", Json::array())},
           {"status", to_wire(td.status)},
           {"registeredAt", epoch(td.registered_at)},
           {"registeredBy", "arn:aws:iam::" + arns.account + ":root"}};
  for (const char* member : {"taskRoleArn", "executionRoleArn", "cpu", "memory"}) {
    if (body.contains(member)) out[member] = body[member];
  }
  if (td.status == TaskDefinitionStatus::delete_in_progress && td.deregistered_at) {
    out["deleteRequestedAt"] = epoch(*td.deregistered_at);
  }
  return Json{{"daemonTaskDefinition", std::move(out)}};
}

Json encode_daemon_task_definitions_page(const DaemonTaskDefinitionsPage& page, const ArnScope& arns) {
  Json list = Json::array();
  for (const auto& td : page.definitions) {
    Json entry{{"arn", arns.task_definition(td.family, td.revision)},
               {"registeredAt", epoch(td.registered_at)},
               {"registeredBy", "arn:aws:iam::" + arns.account + ":root"},
               {"status", to_wire(td.status)}};
    if (td.status == TaskDefinitionStatus::delete_in_progress && td.deregistered_at) {
      entry["deleteRequestedAt"] = epoch(*td.deregistered_at);
    }
    list.push_back(std::move(entry));
  }
  Json out{{"daemonTaskDefinitions", std::move(list)}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json encode_daemon_change(const DaemonChangeReply& reply, const ArnScope& arns) {
  const auto& d = reply.daemon;
  return Json{{"daemonArn", daemon_arn(arns, d.cluster, d.name)},
              {"status", to_wire(d.status)},
              {"createdAt", epoch(d.created_at)},
              {"updatedAt", epoch(d.updated_at)},
              {"deploymentArn", daemon_deployment_arn(arns, d, d.current().id)}};
}

Json encode_describe_daemon(const DescribeDaemonReply& reply, const ArnScope& arns) {
  const auto& d = reply.daemon;
  Json revisions = Json::array();
  for (const auto& c : reply.current) revisions.push_back(revision_counts_json(d, c, arns, false));
  return Json{{"daemon",
               {{"daemonArn", daemon_arn(arns, d.cluster, d.name)},
                {"clusterArn", arns.cluster(d.cluster)},
                {"status", to_wire(d.status)},
                {"currentRevisions", std::move(revisions)},
                {"deploymentArn", daemon_deployment_arn(arns, d, d.current().id)},
                {"createdAt", epoch(d.created_at)},
                {"updatedAt", epoch(d.updated_at)}}}};
}

Json encode_daemons_page(const DaemonsPage& page, const ArnScope& arns) {
  Json list = Json::array();
  for (const auto& d : page.daemons) {
    list.push_back({{"daemonArn", daemon_arn(arns, d.cluster, d.name)},
                    {"status", to_wire(d.status)},
                    {"createdAt", epoch(d.created_at)},
                    {"updatedAt", epoch(d.updated_at)}});
  }
  Json out{{"daemonSummariesList", std::move(list)}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

Json encode_daemon_deployments(const DaemonDeploymentsReply& reply, const ArnScope& arns) {
  Json list = Json::array();
  for (const auto& described : reply.deployments) {
    const auto& daemon = described.daemon;
    const auto& d = described.deployment;
    const auto counts = [&](const std::string& id) {
      const auto* c = counts_of(described.counts, id);
      return revision_counts_json(daemon, c ? *c : DaemonRevisionCounts{id}, arns, true);
    };
    Json sources = Json::array();
    for (const auto& id : d.source_revisions) sources.push_back(counts(id));
    Json out = deployment_summary(daemon, d, arns);
    out.erase("daemonArn");
    out.erase("targetDaemonRevisionArn");
    out["targetDaemonRevision"] = counts(d.target_revision);
    out["sourceDaemonRevisions"] = std::move(sources);
    out["deploymentConfiguration"] = d.configuration;
    list.push_back(std::move(out));
  }
  return Json{{"daemonDeployments", std::move(list)}, {"failures", failures_to_json(reply.failures)}};
}

Json encode_daemon_deployment_summaries(const DaemonDeploymentsReply& reply, const ArnScope& arns) {
  Json list = Json::array();
  for (const auto& described : reply.deployments) {
    list.push_back(deployment_summary(described.daemon, described.deployment, arns));
  }
  Json out{{"daemonDeployments", std::move(list)}};
  if (reply.next_token) out["nextToken"] = *reply.next_token;
  return out;
}

Json encode_daemon_revisions(const DaemonRevisionsReply& reply, const ArnScope& arns) {
  Json list = Json::array();
  for (const auto& [daemon, r] : reply.revisions) {
    Json images = Json::array();
    for (const auto& i : r.images) images.push_back({{"containerName", i.container_name}, {"image", i.image}});
    list.push_back({{"daemonRevisionArn", daemon_revision_arn(arns, daemon, r.id)},
                    {"clusterArn", arns.cluster(daemon.cluster)},
                    {"daemonArn", daemon_arn(arns, daemon.cluster, daemon.name)},
                    {"daemonTaskDefinitionArn", daemon_task_definition_arn(arns, r.family, r.revision)},
                    {"createdAt", epoch(r.created_at)},
                    {"containerImages", std::move(images)},
                    {"propagateTags", r.propagate_tags},
                    {"enableECSManagedTags", r.managed_tags},
                    {"enableExecuteCommand", r.execute_command}});
  }
  return Json{{"daemonRevisions", std::move(list)}, {"failures", failures_to_json(reply.failures)}};
}

}  // namespace berth::model
