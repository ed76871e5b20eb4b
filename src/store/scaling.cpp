// Application Auto Scaling's tables: scalable targets, scaling policies, scheduled actions and
// scaling activities, each row a JSON record plus the columns it is looked up by.
#include "store/store.hpp"

namespace berth::store {
namespace {

Result<model::ScalableTarget> read_target(const Stmt& stmt) {
  return model::scalable_target_from_record(model::Json::parse(stmt.text(0), nullptr, false));
}
Result<model::ScalingPolicy> read_policy(const Stmt& stmt) {
  return model::scaling_policy_from_record(model::Json::parse(stmt.text(0), nullptr, false));
}
Result<model::ScheduledScalingAction> read_action(const Stmt& stmt) {
  return model::scheduled_action_from_record(model::Json::parse(stmt.text(0), nullptr, false));
}
Result<model::ScalingActivity> read_activity(const Stmt& stmt) {
  auto activity = model::scaling_activity_from_record(model::Json::parse(stmt.text(0), nullptr, false));
  if (activity) activity->sequence = stmt.integer(1);
  return activity;
}

std::string names_json(const std::vector<std::string>& names) { return model::Json(names).dump(); }

// ObjectNotFoundException, as Application Auto Scaling words it, unless the target exists.
Result<void> require_target(Db& db, const std::string& resource_id) {
  Stmt stmt(db, "SELECT 1 FROM scalable_targets WHERE resource_id = ?1");
  stmt.bind(1, resource_id);
  BERTH_ASSIGN(bool found, stmt.step());
  if (found) return {};
  return fail(Code::resource_not_found, "No scalable target registered for service namespace: ecs, resource ID: " +
                                            resource_id + ", scalable dimension: ecs:service:DesiredCount");
}

// LimitExceededException when `table` already holds `max` rows of the target and none named `name`.
Result<void> require_room(Db& db, const char* table, const std::string& resource_id, const std::string& name,
                          std::size_t max, const char* what) {
  Stmt stmt(db, std::string("SELECT count(*), sum(name = ?2) FROM ") + table + " WHERE resource_id = ?1");
  stmt.bind(1, resource_id).bind(2, name);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row || stmt.integer(1) > 0 || static_cast<std::size_t>(stmt.integer(0)) < max) return {};
  return fail(Code::limit_exceeded, std::string("A scalable target has at most ") + std::to_string(max) + " " + what +
                                        "; delete one before adding another.");
}

// Writes `target` if the stored one has `expected_version` (0: none may exist); false otherwise.
Result<bool> write_target(Db& db, const model::ScalableTarget& target, long long expected_version) {
  Stmt current(db, "SELECT version FROM scalable_targets WHERE resource_id = ?1");
  current.bind(1, target.resource_id());
  BERTH_ASSIGN(bool exists, current.step());
  if (exists ? current.integer(0) != expected_version : expected_version != 0) return false;
  Stmt write(db,
             "INSERT INTO scalable_targets(resource_id, version, body) VALUES(?1, ?2, ?3) "
             "ON CONFLICT(resource_id) DO UPDATE SET version = excluded.version, body = excluded.body");
  BERTH_TRY(write.bind(1, target.resource_id()).bind(2, std::int64_t{target.version})
                .bind(3, model::scalable_target_to_record(target).dump()).run());
  return true;
}

// Inserts or replaces the activity and keeps its target's newest `keep_newest` (0: all); its
// sequence, or nothing (nothing written) when the target is gone.
Result<std::optional<long long>> write_activity(Db& db, const model::ScalingActivity& activity,
                                                std::size_t keep_newest) {
  Stmt exists(db, "SELECT 1 FROM scalable_targets WHERE resource_id = ?1");
  exists.bind(1, activity.resource_id);
  BERTH_ASSIGN(bool target, exists.step());
  if (!target) return std::optional<long long>();
  // The write and the read of its sequence are two statements, not one with RETURNING: the
  // replicated store runs a write without returning its rows.
  Stmt write(db,
             "INSERT INTO scaling_activities(resource_id, activity_id, body) VALUES(?1, ?2, ?3) "
             "ON CONFLICT(activity_id) DO UPDATE SET body = excluded.body");
  BERTH_TRY(write.bind(1, activity.resource_id)
                .bind(2, activity.id)
                .bind(3, model::scaling_activity_to_record(activity).dump())
                .run());
  Stmt written(db, "SELECT sequence FROM scaling_activities WHERE activity_id = ?1");
  written.bind(1, activity.id);
  BERTH_ASSIGN(bool row, written.step());
  if (!row) return fail(Code::server, "put scaling activity: no sequence returned");
  const long long sequence = written.integer(0);
  if (keep_newest == 0) return std::optional<long long>(sequence);
  Stmt trim(db,
            "DELETE FROM scaling_activities WHERE resource_id = ?1 AND sequence <= (SELECT sequence FROM "
            "scaling_activities WHERE resource_id = ?1 ORDER BY sequence DESC LIMIT 1 OFFSET ?2)");
  BERTH_TRY(trim.bind(1, activity.resource_id).bind(2, static_cast<std::int64_t>(keep_newest)).run());
  return std::optional<long long>(sequence);
}

}  // namespace

Result<bool> Store::put_scalable_target(const model::ScalableTarget& target, long long expected_version,
                                        std::optional<std::int64_t> leader_term) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_term_locked(leader_term));
  BERTH_ASSIGN(bool written, write_target(m_db, target, expected_version));
  if (!written) return false;
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("put scalable target"));
  return true;
}

Result<std::optional<model::ScalableTarget>> Store::find_scalable_target(const std::string& resource_id) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT body FROM scalable_targets WHERE resource_id = ?1");
  stmt.bind(1, resource_id);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::ScalableTarget>();
  BERTH_ASSIGN(auto target, read_target(stmt));
  return std::optional<model::ScalableTarget>(std::move(target));
}

Result<std::vector<model::ScalableTarget>> Store::list_scalable_targets(const std::vector<std::string>& resource_ids,
                                                                        const std::string& after, std::size_t limit) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT body FROM scalable_targets WHERE resource_id > ?1 AND (?2 = '[]' OR resource_id IN "
            "(SELECT value FROM json_each(?2))) ORDER BY resource_id LIMIT ?3");
  stmt.bind(1, after).bind(2, names_json(resource_ids)).bind(3, static_cast<std::int64_t>(limit));
  return collect_parsed_rows<model::ScalableTarget>(stmt, read_target);
}

Result<bool> Store::delete_scalable_target(const std::string& resource_id) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "DELETE FROM scalable_targets WHERE resource_id = ?1");
  stmt.bind(1, resource_id);
  BERTH_TRY(stmt.run());
  return m_db.changes() > 0;
}

Result<bool> Store::put_scaling_policy(const model::ScalingPolicy& policy, const std::string& expected_id,
                                       std::size_t max_per_target) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_target(m_db, policy.resource_id));
  BERTH_TRY(require_room(m_db, "scaling_policies", policy.resource_id, policy.name, max_per_target, "scaling policies"));
  Stmt current(m_db, "SELECT body FROM scaling_policies WHERE resource_id = ?1 AND name = ?2");
  current.bind(1, policy.resource_id).bind(2, policy.name);
  BERTH_ASSIGN(bool exists, current.step());
  std::string stored_id;
  if (exists) {
    BERTH_ASSIGN(auto stored, read_policy(current));
    stored_id = stored.id;
  }
  if (stored_id != expected_id) return false;
  Stmt write(m_db,
             "INSERT INTO scaling_policies(resource_id, name, body) VALUES(?1, ?2, ?3) "
             "ON CONFLICT(resource_id, name) DO UPDATE SET body = excluded.body");
  BERTH_TRY(write.bind(1, policy.resource_id).bind(2, policy.name)
                .bind(3, model::scaling_policy_to_record(policy).dump()).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("put scaling policy"));
  return true;
}

Result<std::vector<model::ScalingPolicy>> Store::list_scaling_policies(const std::optional<std::string>& resource_id,
                                                                       const std::vector<std::string>& names,
                                                                       const std::string& after, std::size_t limit) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT body FROM scaling_policies WHERE (?1 IS NULL OR resource_id = ?1) AND (?2 = '[]' OR name IN "
            "(SELECT value FROM json_each(?2))) AND resource_id || char(10) || name > ?3 "
            "ORDER BY resource_id, name LIMIT ?4");
  if (resource_id) stmt.bind(1, *resource_id);
  stmt.bind(2, names_json(names)).bind(3, after).bind(4, static_cast<std::int64_t>(limit));
  return collect_parsed_rows<model::ScalingPolicy>(stmt, read_policy);
}

Result<bool> Store::delete_scaling_policy(const std::string& resource_id, const std::string& name) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "DELETE FROM scaling_policies WHERE resource_id = ?1 AND name = ?2");
  stmt.bind(1, resource_id).bind(2, name);
  BERTH_TRY(stmt.run());
  return m_db.changes() > 0;
}

Result<bool> Store::put_scheduled_action(const model::ScheduledScalingAction& action, long long expected_version,
                                         std::size_t max_per_target, std::optional<std::int64_t> leader_term) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_term_locked(leader_term));
  BERTH_TRY(require_target(m_db, action.resource_id));
  BERTH_TRY(require_room(m_db, "scheduled_scaling_actions", action.resource_id, action.name, max_per_target,
                         "scheduled actions"));
  Stmt current(m_db, "SELECT version FROM scheduled_scaling_actions WHERE resource_id = ?1 AND name = ?2");
  current.bind(1, action.resource_id).bind(2, action.name);
  BERTH_ASSIGN(bool exists, current.step());
  if (exists ? current.integer(0) != expected_version : expected_version != 0) return false;
  Stmt write(m_db,
             "INSERT INTO scheduled_scaling_actions(resource_id, name, next_fire, version, body) "
             "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(resource_id, name) DO UPDATE SET next_fire = excluded.next_fire, "
             "version = excluded.version, body = excluded.body");
  BERTH_TRY(write.bind(1, action.resource_id).bind(2, action.name).bind(3, action.next_fire)
                .bind(4, std::int64_t{action.version}).bind(5, model::scheduled_action_to_record(action).dump()).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("put scheduled action"));
  return true;
}

Result<std::vector<model::ScheduledScalingAction>> Store::list_scheduled_actions(
    const std::optional<std::string>& resource_id, const std::vector<std::string>& names, const std::string& after,
    std::size_t limit) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT body FROM scheduled_scaling_actions WHERE (?1 IS NULL OR resource_id = ?1) AND (?2 = '[]' OR "
            "name IN (SELECT value FROM json_each(?2))) AND resource_id || char(10) || name > ?3 "
            "ORDER BY resource_id, name LIMIT ?4");
  if (resource_id) stmt.bind(1, *resource_id);
  stmt.bind(2, names_json(names)).bind(3, after).bind(4, static_cast<std::int64_t>(limit));
  return collect_parsed_rows<model::ScheduledScalingAction>(stmt, read_action);
}

Result<std::vector<model::ScheduledScalingAction>> Store::due_scheduled_actions(std::int64_t now_seconds) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT body FROM scheduled_scaling_actions WHERE next_fire IS NOT NULL AND next_fire <= ?1 "
            "ORDER BY next_fire");
  stmt.bind(1, now_seconds);
  return collect_parsed_rows<model::ScheduledScalingAction>(stmt, read_action);
}

Result<std::optional<std::int64_t>> Store::earliest_scheduled_action() {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT min(next_fire) FROM scheduled_scaling_actions WHERE next_fire IS NOT NULL");
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row || stmt.is_null(0)) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt.integer(0));
}

Result<bool> Store::delete_scheduled_action(const std::string& resource_id, const std::string& name) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "DELETE FROM scheduled_scaling_actions WHERE resource_id = ?1 AND name = ?2");
  stmt.bind(1, resource_id).bind(2, name);
  BERTH_TRY(stmt.run());
  return m_db.changes() > 0;
}

Result<long long> Store::put_scaling_activity(const model::ScalingActivity& activity, std::size_t keep_newest) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto sequence, write_activity(m_db, activity, keep_newest));
  if (!sequence) return 0LL;
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("put scaling activity"));
  return *sequence;
}

Result<bool> Store::write_scaling_step(const ScalingStepWrite& step) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_term_locked(step.leader_term));
  if (step.service) {
    BERTH_ASSIGN(bool replaced, replace_service_locked(*step.service, step.service_version, {}));
    if (!replaced) return false;
  }
  if (step.target) {
    BERTH_ASSIGN(bool written, write_target(m_db, *step.target, step.target_version));
    if (!written) return false;
  }
  if (step.activity) {
    BERTH_ASSIGN(auto sequence, write_activity(m_db, *step.activity, step.keep_activities));
    if (!sequence) return false;
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("scaling step"));
  return true;
}

Result<std::vector<model::ScalingActivity>> Store::list_scaling_activities(const std::optional<std::string>& resource_id,
                                                                           long long before, std::size_t limit) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db,
            "SELECT body, sequence FROM scaling_activities WHERE (?1 IS NULL OR resource_id = ?1) AND "
            "(?2 = 0 OR sequence < ?2) ORDER BY sequence DESC LIMIT ?3");
  if (resource_id) stmt.bind(1, *resource_id);
  stmt.bind(2, std::int64_t{before}).bind(3, static_cast<std::int64_t>(limit));
  return collect_parsed_rows<model::ScalingActivity>(stmt, read_activity);
}

Result<std::optional<model::ScalingActivity>> Store::find_scaling_activity(const std::string& activity_id) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT body, sequence FROM scaling_activities WHERE activity_id = ?1");
  stmt.bind(1, activity_id);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::ScalingActivity>();
  BERTH_ASSIGN(auto activity, read_activity(stmt));
  return std::optional<model::ScalingActivity>(std::move(activity));
}

}  // namespace berth::store
