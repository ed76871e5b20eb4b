#include "model/service_revision.hpp"

#include <algorithm>

namespace berth::model {

bool is_finished(ServiceDeploymentStatus status) {
  using enum ServiceDeploymentStatus;
  return status == successful || status == stopped || status == rollback_successful || status == rollback_failed;
}

const ServiceRevision* DeploymentHistory::revision(std::string_view id) const {
  const auto it = std::find_if(revisions.begin(), revisions.end(), [&](const ServiceRevision& r) { return r.id == id; });
  return it == revisions.end() ? nullptr : &*it;
}

const ServiceDeploymentRecord* DeploymentHistory::deployment(std::string_view id) const {
  const auto it = std::find_if(deployments.begin(), deployments.end(),
                               [&](const ServiceDeploymentRecord& d) { return d.id == id; });
  return it == deployments.end() ? nullptr : &*it;
}

ServiceDeploymentRecord* DeploymentHistory::deployment(std::string_view id) {
  return const_cast<ServiceDeploymentRecord*>(static_cast<const DeploymentHistory*>(this)->deployment(id));
}

void service_attachments_to_json(const ServiceAttachments& a, Json& out) {
  out["loadBalancers"] = a.load_balancers;
  out["serviceRegistries"] = a.service_registries;
  if (!a.role_arn.empty()) out["roleArn"] = a.role_arn;
}

void deployment_attachments_to_json(const ServiceAttachments& a, Json& out) {
  if (!a.service_connect_configuration.is_null()) out["serviceConnectConfiguration"] = a.service_connect_configuration;
  if (!a.volume_configurations.empty()) out["volumeConfigurations"] = a.volume_configurations;
}

Json attachments_to_record(const ServiceAttachments& a) {
  return {{"loadBalancers", a.load_balancers}, {"serviceRegistries", a.service_registries},
          {"serviceConnectConfiguration", a.service_connect_configuration},
          {"volumeConfigurations", a.volume_configurations}, {"roleArn", a.role_arn}};
}

ServiceAttachments attachments_from_record(const Json& r) {
  ServiceAttachments a;
  if (!r.is_object()) return a;
  a.load_balancers = r.value("loadBalancers", Json::array());
  a.service_registries = r.value("serviceRegistries", Json::array());
  a.service_connect_configuration = r.value("serviceConnectConfiguration", Json());
  a.volume_configurations = r.value("volumeConfigurations", Json::array());
  a.role_arn = r.value("roleArn", "");
  return a;
}

namespace {

Json counts_to_record(const RevisionCounts& c) {
  return {{"requested", c.requested}, {"running", c.running}, {"pending", c.pending}};
}

Json deployment_to_record(const ServiceDeploymentRecord& d) {
  return {{"id", d.id},
          {"live", d.live_deployment_id},
          {"target", d.target_revision},
          {"sources", d.source_revisions},
          {"targetCounts", counts_to_record(d.target_counts)},
          {"status", std::string(to_wire(d.status))},
          {"statusReason", d.status_reason},
          {"deploymentConfiguration", d.deployment_configuration},
          {"createdAt", d.created_at},
          {"startedAt", d.started_at},
          {"finishedAt", d.finished_at},
          {"stoppedAt", d.stopped_at},
          {"updatedAt", d.updated_at},
          {"rollbackRevision", d.rollback_revision},
          {"rollbackReason", d.rollback_reason},
          {"rollbackStartedAt", d.rollback_started_at},
          {"failedTasks", d.failed_tasks}};
}

Result<ServiceDeploymentRecord> deployment_from_record(const Json& r) {
  const auto corrupt = [] { return fail(Code::server, "corrupt service deployment record"); };
  if (!r.is_object()) return corrupt();
  ServiceDeploymentRecord d;
  const auto status = from_wire<ServiceDeploymentStatus>(r.value("status", ""));
  if (!status) return corrupt();
  d.status = *status;
  d.id = r.value("id", "");
  d.live_deployment_id = r.value("live", "");
  d.target_revision = r.value("target", "");
  for (const auto& s : r.value("sources", Json::array())) {
    if (!s.is_string()) return corrupt();
    d.source_revisions.push_back(s.get<std::string>());
  }
  const Json counts = r.value("targetCounts", Json::object());
  d.target_counts = {counts.value("requested", 0), counts.value("running", 0), counts.value("pending", 0)};
  d.status_reason = r.value("statusReason", "");
  d.deployment_configuration = r.value("deploymentConfiguration", Json::object());
  d.created_at = r.value("createdAt", 0LL);
  d.started_at = r.value("startedAt", 0LL);
  d.finished_at = r.value("finishedAt", 0LL);
  d.stopped_at = r.value("stoppedAt", 0LL);
  d.updated_at = r.value("updatedAt", 0LL);
  d.rollback_revision = r.value("rollbackRevision", "");
  d.rollback_reason = r.value("rollbackReason", "");
  d.rollback_started_at = r.value("rollbackStartedAt", 0LL);
  d.failed_tasks = r.value("failedTasks", 0);
  return d;
}

}  // namespace

Json history_to_record(const DeploymentHistory& h) {
  Json revisions = Json::array();
  for (const auto& r : h.revisions) {
    revisions.push_back({{"id", r.id}, {"family", r.family}, {"revision", r.revision},
                         {"attachments", attachments_to_record(r.attachments)}, {"createdAt", r.created_at}});
  }
  Json deployments = Json::array();
  for (const auto& d : h.deployments) deployments.push_back(deployment_to_record(d));
  return {{"revisions", std::move(revisions)}, {"deployments", std::move(deployments)}};
}

Result<DeploymentHistory> history_from_record(const Json& record) {
  DeploymentHistory h;
  if (record.is_null()) return h;  // a service stored before histories were kept
  if (!record.is_object()) return fail(Code::server, "corrupt service deployment history");
  for (const auto& r : record.value("revisions", Json::array())) {
    if (!r.is_object()) return fail(Code::server, "corrupt service revision record");
    h.revisions.push_back({r.value("id", ""), r.value("family", ""), r.value("revision", 0LL),
                           attachments_from_record(r.value("attachments", Json::object())), r.value("createdAt", 0LL)});
  }
  for (const auto& d : record.value("deployments", Json::array())) {
    BERTH_ASSIGN(auto deployment, deployment_from_record(d));
    h.deployments.push_back(std::move(deployment));
  }
  return h;
}

}  // namespace berth::model
