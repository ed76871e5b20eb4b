#include "store/store.hpp"

namespace berth::store {
namespace {

model::ScheduleGroup read_group(const Stmt& row) {
  return model::ScheduleGroup{row.text(0), row.integer(1), row.integer(2)};
}

}  // namespace

Result<void> Store::create_schedule_group(const model::ScheduleGroup& group, const std::vector<model::Tag>& tags) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt count(m_db, "SELECT count(*), EXISTS(SELECT 1 FROM schedule_groups WHERE name = ?1) FROM schedule_groups");
  count.bind(1, group.name);
  BERTH_TRY(count.step());
  if (count.integer(1) == 0 && count.integer(0) >= static_cast<std::int64_t>(model::k_max_schedule_groups)) {
    return fail(Code::limit_exceeded, "There are " + std::to_string(model::k_max_schedule_groups) +
                                          " schedule groups already, the most an account may have: delete one first.");
  }
  Stmt insert(m_db, "INSERT INTO schedule_groups(name, created_at, modified_at) VALUES(?1, ?2, ?3) ON CONFLICT DO NOTHING");
  BERTH_TRY(insert.bind(1, group.name).bind(2, group.created_at).bind(3, group.modified_at).run());
  if (m_db.changes() == 0) return fail(Code::conflict, "Schedule group " + group.name + " already exists.");
  BERTH_TRY(put_tags_locked("schedule-group/" + group.name, tags));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create schedule group"));
  return {};
}

Result<std::optional<model::ScheduleGroup>> Store::find_schedule_group(const std::string& name) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT name, created_at, modified_at FROM schedule_groups WHERE name = ?1");
  stmt.bind(1, name);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::ScheduleGroup>();
  return std::optional<model::ScheduleGroup>(read_group(stmt));
}

Result<std::vector<model::ScheduleGroup>> Store::list_schedule_groups(const std::string& name_prefix,
                                                                      const std::string& after, std::size_t limit) {
  MutexLock lock(m_mutex);
  // substr() rather than LIKE: names may contain '_', which LIKE treats as a wildcard.
  Stmt stmt(m_db,
            "SELECT name, created_at, modified_at FROM schedule_groups WHERE substr(name, 1, length(?1)) = ?1 "
            "AND name > ?2 ORDER BY name LIMIT ?3");
  stmt.bind(1, name_prefix).bind(2, after).bind(3, static_cast<std::int64_t>(limit));
  return collect_rows<model::ScheduleGroup>(stmt, read_group);
}

Result<bool> Store::delete_schedule_group(const std::string& name) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt group(m_db, "DELETE FROM schedule_groups WHERE name = ?1");
  BERTH_TRY(group.bind(1, name).run());
  if (m_db.changes() == 0) return false;
  Stmt schedule_tags(m_db,
                     "DELETE FROM tags WHERE resource_arn IN "
                     "(SELECT 'schedule/' || group_name || '/' || name FROM schedules WHERE group_name = ?1)");
  BERTH_TRY(schedule_tags.bind(1, name).run());
  Stmt schedules(m_db, "DELETE FROM schedules WHERE group_name = ?1");
  BERTH_TRY(schedules.bind(1, name).run());
  BERTH_TRY(remove_all_tags_locked("schedule-group/" + name));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete schedule group"));
  return true;
}

}  // namespace berth::store
