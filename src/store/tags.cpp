#include "store/store.hpp"

#include <algorithm>

#include "common/numbers.hpp"

namespace berth::store {

Result<std::vector<model::Tag>> Store::tags_of_locked(const std::string& resource) {
  Stmt stmt(m_db, "SELECT key, value FROM tags WHERE resource_arn = ?1 ORDER BY key");
  stmt.bind(1, resource);
  return collect_rows<model::Tag>(stmt, [](const Stmt& row) {
    return model::Tag{row.text(0), row.text(1)};
  });
}

Result<void> Store::put_tags_locked(const std::string& resource,
                                    const std::vector<model::Tag>& tags) {
  for (const auto& tag : tags) {
    Stmt stmt(m_db,
              "INSERT INTO tags(resource_arn, key, value) VALUES(?1, ?2, ?3) "
              "ON CONFLICT(resource_arn, key) DO UPDATE SET value = excluded.value "
              "WHERE value IS NOT excluded.value");
    BERTH_TRY(stmt.bind(1, resource).bind(2, tag.key).bind(3, tag.value).run());
  }
  // ECS managed tags (aws:...) do not count against the limit.
  Stmt count(m_db, "SELECT count(*) FROM tags WHERE resource_arn = ?1 AND lower(substr(key, 1, 4)) != 'aws:'");
  count.bind(1, resource);
  BERTH_TRY(count.step());
  if (count.integer(0) > 50) {
    return fail(Code::invalid_parameter, "A resource can have at most 50 tags.");
  }
  return {};
}

Result<void> Store::remove_all_tags_locked(const std::string& resource) {
  Stmt stmt(m_db, "DELETE FROM tags WHERE resource_arn = ?1");
  return stmt.bind(1, resource).run();
}

Result<std::vector<model::Tag>> Store::tags_of(const std::string& resource) {
  MutexLock lock(m_mutex);
  return tags_of_locked(resource);
}

Result<bool> Store::taggable_locked(const std::string& resource) {
  const auto slash = resource.find('/');
  if (slash == std::string::npos) return false;
  const std::string type = resource.substr(0, slash);
  const std::string rest = resource.substr(slash + 1);
  const auto exists = [this](const char* sql, const std::string& first, const std::string& second)
                          BERTH_REQUIRES(m_mutex) -> Result<bool> {
    Stmt stmt(m_db, sql);
    stmt.bind(1, first).bind(2, second);
    return stmt.step();
  };
  if (type == "cluster") {
    Stmt stmt(m_db, "SELECT 1 FROM clusters WHERE name = ?1 AND status = 'ACTIVE'");
    stmt.bind(1, rest);
    return stmt.step();
  }
  if (type == "task-definition") {  // "<family>:<revision>", the family "daemon:<f>" for a daemon's
    const auto colon = rest.rfind(':');
    const auto revision = colon == std::string::npos ? std::nullopt : parse_integer<std::int64_t>(rest.substr(colon + 1));
    if (!revision) return false;
    Stmt stmt(m_db, "SELECT 1 FROM task_definitions WHERE family = ?1 AND revision = ?2 AND status != 'DELETE_IN_PROGRESS'");
    stmt.bind(1, rest.substr(0, colon)).bind(2, *revision);
    return stmt.step();
  }
  if (type == "capacity-provider") {
    Stmt stmt(m_db, "SELECT 1 FROM capacity_providers WHERE name = ?1");
    stmt.bind(1, rest);
    return stmt.step();
  }
  if (type == "schedule-group") {
    Stmt stmt(m_db, "SELECT 1 FROM schedule_groups WHERE name = ?1");
    stmt.bind(1, rest);
    return stmt.step();
  }
  const auto parent = rest.find('/');
  if (parent == std::string::npos) return false;
  const std::string cluster = rest.substr(0, parent);
  const std::string id = rest.substr(parent + 1);
  if (type == "container-instance") return exists("SELECT 1 FROM container_instances WHERE cluster = ?1 AND id = ?2", cluster, id);
  if (type == "task") return exists("SELECT 1 FROM tasks WHERE cluster = ?1 AND id = ?2", cluster, id);
  if (type == "schedule") return exists("SELECT 1 FROM schedules WHERE group_name = ?1 AND name = ?2", cluster, id);
  if (type == "daemon") return daemon_exists_locked(cluster, id);
  if (type == "service") return exists("SELECT 1 FROM services WHERE cluster = ?1 AND name = ?2 AND status != 'INACTIVE'", cluster, id);
  if (type == "task-set") {  // "<cluster>/<service>/<task set id>": a task set in its service's record
    const auto service_end = id.find('/');
    if (service_end == std::string::npos) return false;
    Stmt stmt(m_db, "SELECT 1 FROM services, json_each(services.body, '$.taskSets') AS sets WHERE cluster = ?1 "
                    "AND name = ?2 AND status != 'INACTIVE' AND json_extract(sets.value, '$.id') = ?3");
    stmt.bind(1, cluster).bind(2, id.substr(0, service_end)).bind(3, id.substr(service_end + 1));
    return stmt.step();
  }
  return false;
}

Result<void> Store::add_tags(const std::string& resource, const std::vector<model::Tag>& tags) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(bool taggable, taggable_locked(resource));
  if (!taggable) return fail(Code::resource_not_found, "The specified resource could not be found.");
  BERTH_ASSIGN(auto existing, tags_of_locked(resource));
  bool changes = false;
  for (const auto& tag : tags) {
    changes = changes || std::find(existing.begin(), existing.end(), tag) == existing.end();
  }
  if (!changes) return {};  // flash wear: nothing to write
  BERTH_TRY(put_tags_locked(resource, tags));
  return tx.commit();
}

Result<void> Store::remove_tags(const std::string& resource, const std::vector<std::string>& keys) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto existing, tags_of_locked(resource));
  const bool any = std::any_of(existing.begin(), existing.end(), [&](const model::Tag& t) {
    return std::find(keys.begin(), keys.end(), t.key) != keys.end();
  });
  if (!any) return {};
  for (const auto& key : keys) {
    Stmt stmt(m_db, "DELETE FROM tags WHERE resource_arn = ?1 AND key = ?2");
    BERTH_TRY(stmt.bind(1, resource).bind(2, key).run());
  }
  return tx.commit();
}

}  // namespace berth::store
