#include "store/store.hpp"

namespace berth::store {
namespace {

Result<model::Schedule> read_schedule(const Stmt& stmt) {
  return model::schedule_from_record(model::Json::parse(stmt.text(0), nullptr, false));
}

Result<void> upsert_schedule(Db& db, const model::Schedule& s) {
  Stmt stmt(db,
            "INSERT INTO schedules(group_name, name, state, next_fire, body) VALUES(?1, ?2, ?3, ?4, ?5) "
            "ON CONFLICT(group_name, name) DO UPDATE SET state = excluded.state, next_fire = excluded.next_fire, "
            "body = excluded.body");
  return stmt.bind(1, s.group).bind(2, s.name).bind(3, s.state).bind(4, s.wake_at())
      .bind(5, model::schedule_to_record(s).dump()).run();
}

// ResourceNotFoundException unless the schedule's group exists, checked in the transaction that
// writes the schedule: a DeleteScheduleGroup committed since the use case looked would otherwise
// leave a schedule that keeps firing in a group nobody can name.
Result<void> require_group(Db& db, const std::string& group) {
  Stmt stmt(db, "SELECT 1 FROM schedule_groups WHERE name = ?1");
  stmt.bind(1, group);
  BERTH_ASSIGN(bool found, stmt.step());
  if (!found) return fail(Code::resource_not_found, "Schedule group " + group + " does not exist.");
  return {};
}

}  // namespace

Result<void> Store::create_schedule(const model::Schedule& schedule) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_group(m_db, schedule.group));
  Stmt existing(m_db, "SELECT 1 FROM schedules WHERE group_name = ?1 AND name = ?2");
  existing.bind(1, schedule.group).bind(2, schedule.name);
  BERTH_ASSIGN(bool found, existing.step());
  if (found) return fail(Code::conflict, "Schedule " + schedule.name + " already exists.");
  BERTH_TRY(upsert_schedule(m_db, schedule));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create schedule"));
  return {};
}

Result<std::optional<model::Schedule>> Store::find_schedule(const std::string& group, const std::string& name) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT body FROM schedules WHERE group_name = ?1 AND name = ?2");
  stmt.bind(1, group).bind(2, name);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::Schedule>();
  BERTH_ASSIGN(auto schedule, read_schedule(stmt));
  return std::optional<model::Schedule>(std::move(schedule));
}

Result<std::vector<model::Schedule>> Store::list_schedules(const std::optional<std::string>& group,
                                                           const std::string& name_prefix,
                                                           const std::optional<std::string>& state,
                                                           const std::string& after, std::size_t limit) {
  MutexLock lock(m_mutex);
  // substr() rather than LIKE: names may contain '_', which LIKE treats as a wildcard.
  Stmt stmt(m_db,
            "SELECT body FROM schedules WHERE (?1 IS NULL OR group_name = ?1) AND substr(name, 1, length(?2)) = ?2 "
            "AND (?3 IS NULL OR state = ?3) AND group_name || '/' || name > ?4 ORDER BY group_name, name LIMIT ?5");
  if (group) stmt.bind(1, *group);
  stmt.bind(2, name_prefix);
  if (state) stmt.bind(3, *state);
  stmt.bind(4, after).bind(5, static_cast<std::int64_t>(limit));
  return collect_parsed_rows<model::Schedule>(stmt, read_schedule);
}

Result<std::vector<model::Schedule>> Store::due_schedules(std::int64_t now_seconds) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT body FROM schedules WHERE next_fire IS NOT NULL AND next_fire <= ?1 ORDER BY next_fire");
  stmt.bind(1, now_seconds);
  return collect_parsed_rows<model::Schedule>(stmt, read_schedule);
}

Result<std::optional<std::int64_t>> Store::earliest_schedule_fire() {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT min(next_fire) FROM schedules WHERE next_fire IS NOT NULL");
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row || stmt.is_null(0)) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt.integer(0));
}

Result<bool> Store::replace_schedule(const model::Schedule& schedule, long long expected_version,
                                     std::optional<std::int64_t> leader_term) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_term_locked(leader_term));
  BERTH_TRY(require_group(m_db, schedule.group));
  Stmt current(m_db, "SELECT body FROM schedules WHERE group_name = ?1 AND name = ?2");
  current.bind(1, schedule.group).bind(2, schedule.name);
  BERTH_ASSIGN(bool exists, current.step());
  if (!exists) return fail(Code::resource_not_found, "Schedule " + schedule.name + " does not exist.");
  BERTH_ASSIGN(auto stored, read_schedule(current));
  if (stored.version != expected_version) return false;
  BERTH_TRY(upsert_schedule(m_db, schedule));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("update schedule"));
  return true;
}

Result<bool> Store::delete_schedule(const std::string& group, const std::string& name,
                                    std::optional<long long> expected_version, std::optional<std::int64_t> leader_term) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_term_locked(leader_term));
  if (expected_version) {
    Stmt current(m_db, "SELECT body FROM schedules WHERE group_name = ?1 AND name = ?2");
    current.bind(1, group).bind(2, name);
    BERTH_ASSIGN(bool exists, current.step());
    if (!exists) return false;
    BERTH_ASSIGN(auto stored, read_schedule(current));
    if (stored.version != *expected_version) return false;
  }
  Stmt stmt(m_db, "DELETE FROM schedules WHERE group_name = ?1 AND name = ?2");
  stmt.bind(1, group).bind(2, name);
  BERTH_TRY(stmt.run());
  const bool deleted = m_db.changes() > 0;
  if (deleted) {
    BERTH_TRY(remove_all_tags_locked("schedule/" + group + "/" + name));
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete schedule"));
  return deleted;
}

}  // namespace berth::store
