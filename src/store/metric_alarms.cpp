// CloudWatch metric alarms: one row per alarm, its definition as CloudWatch's JSON.
#include "model/metric_alarm_json.hpp"
#include "store/store.hpp"

namespace berth::store {

Result<void> Store::put_metric_alarm(const model::MetricAlarm& alarm, std::size_t max_alarms) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  {
    Stmt count(m_db, "SELECT count(*), sum(name = ?1) FROM metric_alarms");
    count.bind(1, alarm.name);
    BERTH_ASSIGN(bool counted, count.step());
    const bool replacing = counted && count.integer(1) > 0;
    if (counted && !replacing && static_cast<std::size_t>(count.integer(0)) >= max_alarms) {
      return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(max_alarms) + " metric alarms.");
    }
  }
  Stmt upsert(m_db,
              "INSERT INTO metric_alarms(name, definition, updated_at) VALUES(?1, ?2, ?3) "
              "ON CONFLICT(name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at");
  BERTH_TRY(upsert.bind(1, alarm.name).bind(2, model::metric_alarm_to_json(alarm).dump()).bind(3, alarm.updated_at).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("put metric alarm"));
  return {};
}

Result<std::vector<model::MetricAlarm>> Store::list_metric_alarms() {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, "SELECT definition FROM metric_alarms ORDER BY name");
  std::vector<model::MetricAlarm> out;
  while (true) {
    BERTH_ASSIGN(bool row, stmt.step());
    if (!row) break;
    BERTH_ASSIGN(auto alarm, model::metric_alarm_from_json(model::Json::parse(stmt.text(0), nullptr, false)));
    out.push_back(std::move(alarm));
  }
  return out;
}

Result<std::vector<std::string>> Store::delete_metric_alarms(const std::vector<std::string>& names) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  std::vector<std::string> missing;
  for (const auto& name : names) {
    Stmt find(m_db, "SELECT 1 FROM metric_alarms WHERE name = ?1");
    find.bind(1, name);
    BERTH_ASSIGN(bool found, find.step());
    if (!found) missing.push_back(name);
  }
  if (!missing.empty()) return missing;  // the transaction rolls back: nothing was written
  for (const auto& name : names) {
    Stmt remove(m_db, "DELETE FROM metric_alarms WHERE name = ?1");
    BERTH_TRY(remove.bind(1, name).run());
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("delete metric alarms"));
  return missing;
}

}  // namespace berth::store
