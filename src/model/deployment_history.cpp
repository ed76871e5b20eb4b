#include "model/deployment_history.hpp"

#include <algorithm>
#include <set>

namespace berth::model {
namespace {

bool in_rollback(const ServiceDeploymentRecord& r) {
  return r.status == ServiceDeploymentStatus::rollback_requested ||
         r.status == ServiceDeploymentStatus::rollback_in_progress;
}

const Deployment* live_deployment(const Service& s, std::string_view id) {
  const auto it = std::find_if(s.deployments.begin(), s.deployments.end(), [&](const Deployment& d) { return d.id == id; });
  return it == s.deployments.end() ? nullptr : &*it;
}

std::string revision_id_run_by(const Service& s, std::string_view live_id) {
  const ServiceRevision* revision = revision_run_by(s, live_id);
  return revision ? revision->id : "";
}

// The revision a rollback deployment returns to: among the record's sources (else among all
// revisions, newest first) the one running its task definition.
std::string rollback_revision_for(const Service& s, const ServiceDeploymentRecord& r, const Deployment& rollback) {
  const auto runs = [&](const std::string& id) {
    const auto* rev = s.history.revision(id);
    return rev && rev->family == rollback.family && rev->revision == rollback.revision;
  };
  for (const auto& id : r.source_revisions) {
    if (runs(id)) return id;
  }
  for (const auto& rev : s.history.revisions) {
    if (runs(rev.id)) return rev.id;
  }
  return r.source_revisions.empty() ? "" : r.source_revisions.front();
}

void start_rollback(Service& s, ServiceDeploymentRecord& r, const std::string& revision, const std::string& live_id,
                    const std::string& reason, EpochMs now) {
  r.status = ServiceDeploymentStatus::rollback_requested;
  r.status_reason = reason;
  r.rollback_revision = revision;
  r.rollback_reason = reason;
  r.rollback_started_at = now;
  r.live_deployment_id = live_id;
  if (const auto* rev = s.history.revision(revision)) s.attachments = rev->attachments;
}

void finish(ServiceDeploymentRecord& r, ServiceDeploymentStatus status, std::string reason, EpochMs now) {
  r.status = status;
  r.status_reason = std::move(reason);
  if (r.started_at == 0) r.started_at = now;
  r.finished_at = now;
  if (status == ServiceDeploymentStatus::stopped) r.stopped_at = now;
}

// One step of `r` along its live deployment (see follow_deployments).
void follow(Service& s, ServiceDeploymentRecord& r, EpochMs now) {
  using enum ServiceDeploymentStatus;
  const Deployment* live = live_deployment(s, r.live_deployment_id);
  if (!in_rollback(r) && live) {
    // The target's counts, and the breaker's failures up to the pass that may roll it back.
    r.target_counts = {live->desired_count, live->running_count, live->pending_count};
    r.failed_tasks = live->failed_tasks;
  }
  if (!in_rollback(r)) {
    const auto rollback = std::find_if(s.deployments.begin(), s.deployments.end(), [&](const Deployment& d) {
      return !d.rollback_of.empty() && d.rollback_of == r.live_deployment_id;
    });
    if (rollback != s.deployments.end()) {
      const std::string reason = live ? live->rollout_state_reason : "The deployment failed.";
      start_rollback(s, r, rollback_revision_for(s, r, *rollback), rollback->id, reason, now);
      live = &*rollback;
    }
  }
  const bool primary = live && live == &s.deployments.front();
  const bool has_tasks = live && live->running_count + live->pending_count > 0;
  if (in_rollback(r)) {
    if (!primary) {
      finish(r, rollback_failed, "The rollback ended: a newer service deployment started.", now);
    } else if (live->rollout_state == "COMPLETED") {
      finish(r, rollback_successful, "Rolled back to service revision " + r.rollback_revision + ".", now);
    } else if (live->rollout_state == "FAILED") {
      finish(r, rollback_failed, live->rollout_state_reason, now);
    } else if (r.status == rollback_requested && has_tasks) {
      r.status = rollback_in_progress;
    }
    return;
  }
  if (!primary) {
    finish(r, stopped, "A newer service deployment started.", now);
  } else if (live->rollout_state == "COMPLETED") {
    finish(r, successful, live->rollout_state_reason, now);
  } else if (live->rollout_state == "FAILED") {
    finish(r, stopped, live->rollout_state_reason, now);
  } else if (r.status == pending && has_tasks) {
    r.status = in_progress;
    r.status_reason = live->rollout_state_reason;
    r.started_at = now;
  }
}

// Keeps at most k_max_service_deployments records, dropping the oldest finished ones first: an
// unfinished one follows a live deployment, and DescribeServices finds the revision a live
// deployment runs through it. Then keeps only the revisions the kept records name.
void bound(Service& s) {
  auto& records = s.history.deployments;  // newest first
  for (auto it = records.end(); records.size() > k_max_service_deployments && it != records.begin();) {
    --it;
    if (is_finished(it->status)) it = records.erase(it);
  }
  // More unfinished records than the bound (not reached by ECS's rules): the oldest go.
  if (records.size() > k_max_service_deployments) records.resize(k_max_service_deployments);
  std::set<std::string> named;
  for (const auto& r : s.history.deployments) {
    named.insert(r.target_revision);
    named.insert(r.source_revisions.begin(), r.source_revisions.end());
    named.insert(r.rollback_revision);
  }
  std::erase_if(s.history.revisions, [&](const ServiceRevision& rev) { return !named.contains(rev.id); });
}

}  // namespace

const ServiceRevision* revision_run_by(const Service& s, std::string_view live_id) {
  for (const auto& r : s.history.deployments) {
    if (r.live_deployment_id != live_id) continue;
    return s.history.revision(r.rollback_revision.empty() ? r.target_revision : r.rollback_revision);
  }
  return nullptr;
}

std::string history_id_of(std::string_view live_deployment_id) {
  const auto slash = live_deployment_id.rfind('/');
  return std::string(slash == std::string_view::npos ? live_deployment_id : live_deployment_id.substr(slash + 1));
}

void record_new_deployment(Service& s, EpochMs now) {
  BERTH_CHECK(!s.deployments.empty());
  const Deployment& live = s.primary();
  ServiceRevision revision{history_id_of(live.id), live.family, live.revision, s.attachments, now};
  ServiceDeploymentRecord r;
  r.id = revision.id;
  r.live_deployment_id = live.id;
  r.target_revision = revision.id;
  for (std::size_t i = 1; i < s.deployments.size(); ++i) {
    const std::string source = revision_id_run_by(s, s.deployments[i].id);
    if (!source.empty() && std::find(r.source_revisions.begin(), r.source_revisions.end(), source) == r.source_revisions.end()) {
      r.source_revisions.push_back(source);
    }
  }
  r.target_counts.requested = live.desired_count;
  r.status_reason = "ECS deployment in progress.";
  r.deployment_configuration = s.deployment_configuration;
  r.deployment_configuration["maximumPercent"] = s.maximum_percent;
  r.deployment_configuration["minimumHealthyPercent"] = s.minimum_healthy_percent;
  r.created_at = r.updated_at = now;
  s.history.revisions.insert(s.history.revisions.begin(), std::move(revision));
  s.history.deployments.insert(s.history.deployments.begin(), std::move(r));
  bound(s);
}

void follow_deployments(Service& s, EpochMs now) {
  if (s.deployments.empty()) return;
  for (auto& r : s.history.deployments) {
    if (is_finished(r.status)) continue;
    const ServiceDeploymentRecord before = r;
    follow(s, r, now);
    if (!(r == before)) r.updated_at = now;
  }
}

RevisionCounts live_counts_of(const Service& s, std::string_view revision_id) {
  for (const auto& d : s.deployments) {
    if (revision_id_run_by(s, d.id) == revision_id) return {d.desired_count, d.running_count, d.pending_count};
  }
  return {};
}

Result<void> roll_back(Service& s, std::string_view record_id, const std::string& rollback_live_id,
                       const std::string& reason, EpochMs now) {
  auto* r = s.history.deployment(record_id);
  BERTH_CHECK(r != nullptr);
  if (is_finished(r->status)) {
    return fail(Code::conflict, "The service deployment is " + std::string(to_wire(r->status)) + " and cannot be stopped.");
  }
  if (in_rollback(*r)) return {};  // already rolling back: it goes on
  const ServiceRevision* source = r->source_revisions.empty() ? nullptr : s.history.revision(r->source_revisions.front());
  if (!source) {
    return fail(Code::conflict, "The service deployment has no previous service revision to roll back to.");
  }
  Deployment rollback;
  rollback.id = rollback_live_id;
  rollback.family = source->family;
  rollback.revision = source->revision;
  rollback.desired_count = s.desired_count;
  rollback.created_at = rollback.updated_at = now;
  rollback.rollback_of = r->live_deployment_id;
  for (auto& d : s.deployments) d.status = "ACTIVE";
  s.deployments.insert(s.deployments.begin(), rollback);
  start_rollback(s, *r, source->id, rollback_live_id, reason, now);
  r->updated_at = now;
  return {};
}

}  // namespace berth::model
