#include "model/daemon.hpp"

#include <algorithm>

namespace berth::model {
namespace {

constexpr std::string_view k_backing_prefix = "daemon:";

Json revision_to_record(const DaemonRevision& r) {
  Json images = Json::array();
  for (const auto& i : r.images) images.push_back({{"containerName", i.container_name}, {"image", i.image}});
  return Json{{"id", r.id},
              {"family", r.family},
              {"revision", r.revision},
              {"serviceDeploymentId", r.service_deployment_id},
              {"images", std::move(images)},
              {"propagateTags", r.propagate_tags},
              {"enableECSManagedTags", r.managed_tags},
              {"enableExecuteCommand", r.execute_command},
              {"createdAt", r.created_at}};
}

DaemonRevision revision_from_record(const Json& j) {
  DaemonRevision r;
  r.id = j.value("id", "");
  r.family = j.value("family", "");
  r.revision = j.value("revision", 0LL);
  r.service_deployment_id = j.value("serviceDeploymentId", "");
  for (const auto& i : j.value("images", Json::array())) {
    r.images.push_back({i.value("containerName", ""), i.value("image", "")});
  }
  r.propagate_tags = j.value("propagateTags", "NONE");
  r.managed_tags = j.value("enableECSManagedTags", false);
  r.execute_command = j.value("enableExecuteCommand", false);
  r.created_at = j.value("createdAt", 0LL);
  return r;
}

Json deployment_to_record(const DaemonDeployment& d) {
  return Json{{"id", d.id},
              {"targetRevision", d.target_revision},
              {"sourceRevisions", d.source_revisions},
              {"status", to_wire(d.status)},
              {"statusReason", d.status_reason},
              {"configuration", d.configuration},
              {"createdAt", d.created_at},
              {"startedAt", d.started_at},
              {"stoppedAt", d.stopped_at},
              {"finishedAt", d.finished_at}};
}

Result<DaemonDeployment> deployment_from_record(const Json& j) {
  DaemonDeployment d;
  d.id = j.value("id", "");
  d.target_revision = j.value("targetRevision", "");
  for (const auto& s : j.value("sourceRevisions", Json::array())) {
    if (s.is_string()) d.source_revisions.push_back(s.get<std::string>());
  }
  const auto status = from_wire<DaemonDeploymentStatus>(j.value("status", ""));
  if (!status) return fail(Code::server, "corrupt daemon record: deployment status");
  d.status = *status;
  d.status_reason = j.value("statusReason", "");
  d.configuration = j.value("configuration", Json::object());
  d.created_at = j.value("createdAt", 0LL);
  d.started_at = j.value("startedAt", 0LL);
  d.stopped_at = j.value("stoppedAt", 0LL);
  d.finished_at = j.value("finishedAt", 0LL);
  return d;
}

const Deployment* service_deployment(const Service& backing, const std::string& id) {
  const auto it = std::find_if(backing.deployments.begin(), backing.deployments.end(),
                               [&](const Deployment& d) { return d.id == id; });
  return it == backing.deployments.end() ? nullptr : &*it;
}

}  // namespace

std::string daemon_family(std::string_view family) { return std::string(k_daemon_family_prefix) + std::string(family); }

std::optional<std::string> daemon_family_name(std::string_view stored_family) {
  if (!stored_family.starts_with(k_daemon_family_prefix)) return std::nullopt;
  return std::string(stored_family.substr(k_daemon_family_prefix.size()));
}

std::string backing_service_name(std::string_view daemon_name) {
  return std::string(k_backing_prefix) + std::string(daemon_name);
}

bool is_backing_service(std::string_view service_name) { return service_name.starts_with(k_backing_prefix); }

const DaemonRevision* Daemon::revision(const std::string& id) const {
  const auto it = std::find_if(revisions.begin(), revisions.end(), [&](const DaemonRevision& r) { return r.id == id; });
  return it == revisions.end() ? nullptr : &*it;
}

DaemonDeployment live_deployment(const Daemon& daemon, const DaemonDeployment& deployment, const Service& backing) {
  DaemonDeployment out = deployment;
  if (out.status != DaemonDeploymentStatus::in_progress) return out;
  const auto* target = daemon.revision(out.target_revision);
  const auto* running = target ? service_deployment(backing, target->service_deployment_id) : nullptr;
  if (running && running->rollout_state == "COMPLETED") {
    out.status = DaemonDeploymentStatus::successful;
    out.status_reason = "The daemon deployment completed.";
    out.finished_at = running->updated_at;
  }
  return out;
}

void add_daemon_deployment(Daemon& daemon, const Service& backing, DaemonRevision revision,
                           DaemonDeployment deployment, EpochMs now) {
  if (!daemon.deployments.empty()) {
    auto& previous = daemon.deployments.front();
    previous = live_deployment(daemon, previous, backing);
    if (previous.status == DaemonDeploymentStatus::in_progress) {
      previous.status = DaemonDeploymentStatus::stopped;
      previous.status_reason = "Superseded by daemon deployment " + deployment.id + ".";
      previous.stopped_at = now;
    }
  }
  daemon.revisions.insert(daemon.revisions.begin(), std::move(revision));
  daemon.deployments.insert(daemon.deployments.begin(), std::move(deployment));
  if (daemon.revisions.size() > k_max_daemon_history) daemon.revisions.resize(k_max_daemon_history);
  if (daemon.deployments.size() > k_max_daemon_history) daemon.deployments.resize(k_max_daemon_history);
  daemon.updated_at = now;
}

std::string daemon_arn(const ArnScope& arns, const std::string& cluster, const std::string& name) {
  return arns.prefix() + "daemon/" + cluster + "/" + name;
}

std::string daemon_deployment_arn(const ArnScope& arns, const Daemon& daemon, const std::string& id) {
  return arns.prefix() + "daemon-deployment/" + daemon.cluster + "/" + daemon.name + "/" + id;
}

std::string daemon_revision_arn(const ArnScope& arns, const Daemon& daemon, const std::string& id) {
  return arns.prefix() + "daemon-revision/" + daemon.cluster + "/" + daemon.name + "/" + id;
}

std::string daemon_task_definition_arn(const ArnScope& arns, const std::string& family, long long revision) {
  return arns.task_definition(daemon_family(family), revision);
}

Result<DaemonKey> parse_daemon_arn(const ArnScope& arns, std::string_view text, std::string_view resource_type) {
  const auto invalid = [&] {
    return fail(Code::invalid_parameter, "'" + std::string(text) + "' is not a valid " + std::string(resource_type) +
                                             " ARN.");
  };
  const auto arn = parse_ecs_arn(text);
  if (!arn || arn->resource_type != resource_type || arn->region != arns.region || arn->account != arns.account) {
    return invalid();
  }
  const bool with_id = resource_type != "daemon";
  const std::string& rest = arn->resource;
  const auto first = rest.find('/');
  if (first == std::string::npos || first == 0) return invalid();
  DaemonKey key;
  key.cluster = rest.substr(0, first);
  const auto second = rest.find('/', first + 1);
  if (with_id) {
    if (second == std::string::npos || second + 1 >= rest.size()) return invalid();
    key.name = rest.substr(first + 1, second - first - 1);
    key.id = rest.substr(second + 1);
  } else {
    if (second != std::string::npos) return invalid();
    key.name = rest.substr(first + 1);
  }
  if (key.name.empty() || key.id.find('/') != std::string::npos) return invalid();
  return key;
}

Json daemon_to_record(const Daemon& daemon) {
  Json revisions = Json::array();
  for (const auto& r : daemon.revisions) revisions.push_back(revision_to_record(r));
  Json deployments = Json::array();
  for (const auto& d : daemon.deployments) deployments.push_back(deployment_to_record(d));
  return Json{{"cluster", daemon.cluster},
              {"name", daemon.name},
              {"status", to_wire(daemon.status)},
              {"capacityProviders", daemon.capacity_providers},
              {"revisions", std::move(revisions)},
              {"deployments", std::move(deployments)},
              {"createdAt", daemon.created_at},
              {"updatedAt", daemon.updated_at},
              {"version", daemon.version}};
}

Result<Daemon> daemon_from_record(const Json& r) {
  if (!r.is_object()) return fail(Code::server, "corrupt daemon record");
  Daemon d;
  d.cluster = r.value("cluster", "");
  d.name = r.value("name", "");
  const auto status = from_wire<DaemonStatus>(r.value("status", ""));
  if (!status || d.cluster.empty() || d.name.empty()) return fail(Code::server, "corrupt daemon record");
  d.status = *status;
  for (const auto& c : r.value("capacityProviders", Json::array())) {
    if (c.is_string()) d.capacity_providers.push_back(c.get<std::string>());
  }
  for (const auto& x : r.value("revisions", Json::array())) d.revisions.push_back(revision_from_record(x));
  for (const auto& x : r.value("deployments", Json::array())) {
    BERTH_ASSIGN(auto deployment, deployment_from_record(x));
    d.deployments.push_back(std::move(deployment));
  }
  if (d.deployments.empty() || d.revisions.empty()) return fail(Code::server, "corrupt daemon record: no deployment");
  d.created_at = r.value("createdAt", 0LL);
  d.updated_at = r.value("updatedAt", 0LL);
  d.version = r.value("version", 1LL);
  return d;
}

}  // namespace berth::model
