// Daemon use cases: Create, Update, Delete, Describe, List, and their deployments and revisions.
#include "svc/daemons.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "common/ids.hpp"
#include "svc/service_scheduler.hpp"
#include "store/update_with_retry.hpp"

namespace berth::svc {
namespace {

using Found = std::pair<model::Daemon, model::Service>;

// The daemon an ARN names, with its backing service: InvalidParameterException for a malformed
// ARN, ClusterNotFoundException, DaemonNotFoundException.
Result<Found> find_daemon(Context& ctx, const std::string& arn) {
  BERTH_ASSIGN(auto key, model::parse_daemon_arn(ctx.arns, arn, "daemon"));
  BERTH_TRY(resolve_active_cluster(ctx, std::optional<std::string>(key.cluster)));
  BERTH_ASSIGN(auto found, ctx.store.find_daemon(key.cluster, key.name));
  if (!found) return fail(Code::daemon_not_found, "Daemon not found.");
  return std::move(*found);
}

// The daemon a deployment or revision ARN (`resource_type`) belongs to, and the id it names;
// no daemon for a malformed ARN or a daemon that is gone (the batch reports those as MISSING).
Result<std::pair<std::optional<Found>, std::string>> owner_of(Context& ctx, const std::string& arn,
                                                              std::string_view resource_type) {
  const auto key = model::parse_daemon_arn(ctx.arns, arn, resource_type);
  if (!key) return std::pair{std::optional<Found>(), std::string()};
  BERTH_ASSIGN(auto found, ctx.store.find_daemon(key->cluster, key->name));
  return std::pair{std::move(found), key->id};
}

Result<model::TaskDefinition> active_definition(Context& ctx, const model::DaemonTaskDefinitionRef& ref) {
  BERTH_ASSIGN(auto td, ctx.store.find_task_definition(model::daemon_family(ref.family), ref.revision));
  if (!td || td->status != model::TaskDefinitionStatus::active) {
    return fail(Code::client, "The daemon task definition " + ref.family +
                                  (ref.revision ? ":" + std::to_string(*ref.revision) : "") +
                                  " does not exist or is not ACTIVE.");
  }
  return std::move(*td);
}

// The capacity providers a daemon of `cluster` names, by name and each once. Each must be a
// provider associated with the cluster (InvalidParameterException otherwise; the store checks
// again when it writes the daemon): a daemon runs on its cluster's instances through them.
Result<std::vector<std::string>> daemon_providers(Context& ctx, const std::string& cluster,
                                                  const std::vector<std::string>& given) {
  BERTH_ASSIGN(auto found, ctx.store.find_cluster(cluster));
  const auto associated = found ? model::associated_capacity_providers(found->capacity) : std::vector<std::string>();
  std::vector<std::string> out;
  for (const auto& text : given) {
    const auto name = model::capacity_provider_name_of(ctx.arns, text);
    if (!name || std::find(associated.begin(), associated.end(), *name) == associated.end()) {
      return fail(Code::invalid_parameter, "The capacity provider " + text + " is not associated with the cluster. "
                                           "Associate it with PutClusterCapacityProviders and try again.");
    }
    if (std::find(out.begin(), out.end(), *name) == out.end()) out.push_back(*name);
  }
  return out;
}

// The revision's task settings on the backing service, which the scheduler reads when it starts
// the daemon's tasks: propagateTags DAEMON copies the daemon's tags (svc/task_tags.cpp reads a
// backing service's tags from its daemon).
void apply_task_settings(model::Service& backing, const model::DaemonSettings& settings) {
  backing.tagging.propagate = settings.propagate_tags == "DAEMON" ? model::PropagateTags::service
                                                                  : model::PropagateTags::none;
  backing.tagging.managed_tags = settings.managed_tags;
  backing.enable_execute_command = settings.execute_command;
}

// A new revision of the daemon running `td` with `settings`, and the backing service deployment
// that runs it.
std::pair<model::DaemonRevision, model::Deployment> new_revision(const model::TaskDefinition& td,
                                                                 const model::DaemonSettings& settings, EpochMs now) {
  model::Deployment d;
  d.id = new_deployment_id();
  d.family = td.family;
  d.revision = td.revision;
  d.created_at = d.updated_at = now;
  model::DaemonRevision r;
  r.id = random_hex(16);
  r.family = settings.task_definition.family;
  r.revision = td.revision;
  r.service_deployment_id = d.id;
  for (const auto& c : td.body.value("containerDefinitions", model::Json::array())) {
    r.images.push_back({c.value("name", ""), c.value("image", "")});
  }
  r.propagate_tags = settings.propagate_tags;
  r.managed_tags = settings.managed_tags;
  r.execute_command = settings.execute_command;
  r.created_at = now;
  return {std::move(r), std::move(d)};
}

model::DaemonDeployment new_deployment(const model::Daemon& daemon, const model::DaemonRevision& target,
                                       const model::Json& configuration, EpochMs now) {
  model::DaemonDeployment d;
  d.id = random_hex(16);
  d.target_revision = target.id;
  for (const auto& r : daemon.revisions) d.source_revisions.push_back(r.id);
  if (d.source_revisions.size() > 1) d.source_revisions.resize(1);  // the one it replaces
  d.configuration = configuration;
  d.created_at = d.started_at = now;
  return d;
}

// Per revision: the daemon's tasks now, running and being stopped, and on how many instances.
Result<std::vector<model::DaemonRevisionCounts>> counts_of(Context& ctx, const Found& found) {
  const auto& [daemon, service] = found;
  store::TaskQuery query;
  query.cluster = daemon.cluster;
  query.group = "service:" + service.name;
  query.not_stopped = true;
  query.limit = 100000;
  BERTH_ASSIGN(auto tasks, ctx.store.list_tasks(query));
  std::vector<model::DaemonRevisionCounts> out;
  for (const auto& r : daemon.revisions) {
    model::DaemonRevisionCounts c{r.id};
    std::set<std::string> running, draining;
    for (const auto& t : tasks) {
      if (t.started_by != r.service_deployment_id) continue;
      if (t.desired_status != model::TaskStatus::running) {
        draining.insert(t.container_instance_id);
      } else if (t.last_status == model::TaskStatus::running) {
        ++c.running_tasks;
        running.insert(t.container_instance_id);
      }
    }
    c.running_instances = static_cast<int>(running.size());
    c.draining_instances = static_cast<int>(draining.size());
    out.push_back(std::move(c));
  }
  return out;
}

// Applies `change` to the daemon and its backing service with optimistic retries (the
// scheduler writes the service too).
Result<model::Daemon> change_daemon(Context& ctx, const std::string& arn,
                                    const std::function<Result<void>(model::Daemon&, model::Service&)>& change) {
  BERTH_ASSIGN(auto daemon, store::update_with_retry(20, Code::server, "The daemon kept changing; try again.",
                                                     [&]() -> Result<std::optional<model::Daemon>> {
    BERTH_ASSIGN(auto found, find_daemon(ctx, arn));
    auto& [d, s] = found;
    if (d.status != model::DaemonStatus::active) return fail(Code::daemon_not_active, "Daemon is not ACTIVE.");
    const long long daemon_version = d.version++;
    const long long service_version = s.version++;
    BERTH_TRY(change(d, s));
    BERTH_ASSIGN(bool saved, ctx.store.replace_daemon(d, daemon_version, s, service_version));
    if (!saved) return std::nullopt;
    return std::move(d);
  }));
  ctx.tasks_changed();
  return daemon;
}

}  // namespace

Result<model::DaemonChangeReply> create_daemon(Context& ctx, const model::CreateDaemonRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  BERTH_ASSIGN(auto td, active_definition(ctx, request.settings.task_definition));
  const EpochMs now = ctx.clock.now_ms();
  model::Daemon daemon;
  daemon.cluster = cluster;
  daemon.name = request.name;
  BERTH_ASSIGN(daemon.capacity_providers, daemon_providers(ctx, cluster, request.settings.capacity_providers));
  daemon.created_at = daemon.updated_at = now;
  auto [revision, service_deployment] = new_revision(td, request.settings, now);
  auto deployment = new_deployment(daemon, revision, request.settings.deployment_configuration, now);
  model::Service service;
  service.cluster = cluster;
  service.name = model::backing_service_name(request.name);
  service.scheduling_strategy = model::to_wire(model::SchedulingStrategy::daemon);
  // One task per instance: the old task goes before the new one starts, never two.
  service.minimum_healthy_percent = 0;
  service.maximum_percent = 100;
  service.created_at = service.throttle_reset_at = now;
  apply_task_settings(service, request.settings);
  service.deployments.push_back(std::move(service_deployment));
  model::add_daemon_deployment(daemon, service, std::move(revision), std::move(deployment), now);
  BERTH_ASSIGN(auto created, ctx.store.create_daemon(daemon, service, request.tags));
  ctx.tasks_changed();
  return model::DaemonChangeReply{std::move(created)};
}

Result<model::DaemonChangeReply> update_daemon(Context& ctx, const model::UpdateDaemonRequest& request) {
  BERTH_ASSIGN(auto td, active_definition(ctx, request.settings.task_definition));
  const EpochMs now = ctx.clock.now_ms();
  BERTH_ASSIGN(auto daemon, change_daemon(ctx, request.daemon_arn, [&](model::Daemon& d, model::Service& s) -> Result<void> {
    auto [revision, service_deployment] = new_revision(td, request.settings, now);
    auto deployment = new_deployment(d, revision, request.settings.deployment_configuration, now);
    model::add_daemon_deployment(d, s, std::move(revision), std::move(deployment), now);
    BERTH_ASSIGN(d.capacity_providers, daemon_providers(ctx, d.cluster, request.settings.capacity_providers));
    apply_task_settings(s, request.settings);
    for (auto& old : s.deployments) old.status = "ACTIVE";
    s.deployments.insert(s.deployments.begin(), std::move(service_deployment));
    s.throttle_reset_at = now;  // a new deployment starts without the old one's start failures
    s.next_launch_at = 0;
    return {};
  }));
  return model::DaemonChangeReply{std::move(daemon)};
}

Result<model::DaemonChangeReply> delete_daemon(Context& ctx, const model::DaemonArnRequest& request) {
  const EpochMs now = ctx.clock.now_ms();
  BERTH_ASSIGN(auto daemon, change_daemon(ctx, request.daemon_arn, [&](model::Daemon& d, model::Service& s) -> Result<void> {
    auto& current = d.deployments.front();
    current = model::live_deployment(d, current, s);
    if (current.status == model::DaemonDeploymentStatus::in_progress) {
      current.status = model::DaemonDeploymentStatus::stopped;
      current.status_reason = "The daemon was deleted.";
      current.stopped_at = now;
    }
    d.status = model::DaemonStatus::delete_in_progress;
    d.updated_at = now;
    s.status = model::ServiceStatus::draining;  // the scheduler stops its tasks, then it is INACTIVE
    s.desired_count = 0;
    return {};
  }));
  return model::DaemonChangeReply{std::move(daemon)};
}

Result<model::DescribeDaemonReply> describe_daemon(Context& ctx, const model::DaemonArnRequest& request) {
  BERTH_ASSIGN(auto found, find_daemon(ctx, request.daemon_arn));
  BERTH_ASSIGN(auto counts, counts_of(ctx, found));
  model::DescribeDaemonReply reply;
  const auto& daemon = found.first;
  const std::string target = daemon.current().target_revision;
  // The target revision first, then every other revision that still has tasks.
  for (const auto& c : counts) {
    if (c.revision_id == target) reply.current.insert(reply.current.begin(), c);
    else if (c.running_tasks > 0 || c.draining_instances > 0) reply.current.push_back(c);
  }
  reply.daemon = std::move(found.first);
  return reply;
}

Result<model::DaemonsPage> list_daemons(Context& ctx, const model::ListDaemonsRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  // Stored by name: an ARN given here means its name (one of another account matches nothing).
  std::vector<std::string> providers;
  for (const auto& text : request.capacity_providers) {
    providers.push_back(model::capacity_provider_name_of(ctx.arns, text).value_or(text));
  }
  BERTH_ASSIGN(auto daemons, ctx.store.list_daemons(cluster, providers, request.page.after, request.page.limit + 1));
  const bool more = daemons.size() > request.page.limit;
  if (more) daemons.resize(request.page.limit);
  model::DaemonsPage page;
  page.next_token = next_token(more, "daemons", daemons.empty() ? "" : daemons.back().name);
  page.daemons = std::move(daemons);
  return page;
}

Result<model::DaemonDeploymentsReply> list_daemon_deployments(Context& ctx,
                                                             const model::ListDaemonDeploymentsRequest& request) {
  BERTH_ASSIGN(auto found, find_daemon(ctx, request.daemon_arn));
  const auto& [daemon, service] = found;
  model::DaemonDeploymentsReply reply;
  // Newest first; a page continues after the deployment its token names.
  bool past_token = request.page.after.empty();
  bool more = false;
  for (const auto& stored : daemon.deployments) {
    if (!past_token) {
      past_token = stored.id == request.page.after;
      continue;
    }
    const auto d = model::live_deployment(daemon, stored, service);
    if (!request.statuses.empty() &&
        std::find(request.statuses.begin(), request.statuses.end(), d.status) == request.statuses.end()) {
      continue;
    }
    if (request.created_before && d.created_at >= *request.created_before) continue;
    if (request.created_after && d.created_at <= *request.created_after) continue;
    if (reply.deployments.size() == request.page.limit) {
      more = true;
      break;
    }
    reply.deployments.push_back({daemon, d, {}});
  }
  reply.next_token = next_token(more, "daemonDeployments",
                                reply.deployments.empty() ? "" : reply.deployments.back().deployment.id);
  return reply;
}

Result<model::DaemonDeploymentsReply> describe_daemon_deployments(Context& ctx, const model::DaemonArnsRequest& request) {
  model::DaemonDeploymentsReply reply;
  std::map<std::pair<std::string, std::string>, std::vector<model::DaemonRevisionCounts>> counts_by_daemon;
  for (const auto& arn : request.arns) {
    BERTH_ASSIGN(auto owner, owner_of(ctx, arn, "daemon-deployment"));
    auto& [found, id] = owner;
    const model::DaemonDeployment* deployment = nullptr;
    if (found) {
      for (const auto& d : found->first.deployments) {
        if (d.id == id) deployment = &d;
      }
    }
    if (!deployment) {
      reply.failures.push_back({arn, "MISSING"});
      continue;
    }
    // Counted once per daemon, however many of its deployments the request names.
    const auto key = std::pair{found->first.cluster, found->first.name};
    auto counts = counts_by_daemon.find(key);
    if (counts == counts_by_daemon.end()) {
      BERTH_ASSIGN(auto counted, counts_of(ctx, *found));
      counts = counts_by_daemon.emplace(key, std::move(counted)).first;
    }
    reply.deployments.push_back({found->first, model::live_deployment(found->first, *deployment, found->second),
                                 counts->second});
  }
  return reply;
}

Result<model::DaemonRevisionsReply> describe_daemon_revisions(Context& ctx, const model::DaemonArnsRequest& request) {
  model::DaemonRevisionsReply reply;
  for (const auto& arn : request.arns) {
    BERTH_ASSIGN(auto owner, owner_of(ctx, arn, "daemon-revision"));
    auto& [found, id] = owner;
    const model::DaemonRevision* revision = found ? found->first.revision(id) : nullptr;
    if (!revision) {
      reply.failures.push_back({arn, "MISSING"});
      continue;
    }
    reply.revisions.emplace_back(found->first, *revision);
  }
  return reply;
}

}  // namespace berth::svc
