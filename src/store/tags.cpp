#include "store/store.hpp"

#include <algorithm>

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
  Stmt count(m_db, "SELECT count(*) FROM tags WHERE resource_arn = ?1");
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
  std::lock_guard lock(m_mutex);
  return tags_of_locked(resource);
}

Result<void> Store::add_tags(const std::string& resource, const std::vector<model::Tag>& tags) {
  std::lock_guard lock(m_mutex);
  BERTH_ASSIGN(auto existing, tags_of_locked(resource));
  bool changes = false;
  for (const auto& tag : tags) {
    changes = changes || std::find(existing.begin(), existing.end(), tag) == existing.end();
  }
  if (!changes) return {};  // flash wear: nothing to write
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(put_tags_locked(resource, tags));
  return tx.commit();
}

Result<void> Store::remove_tags(const std::string& resource, const std::vector<std::string>& keys) {
  std::lock_guard lock(m_mutex);
  BERTH_ASSIGN(auto existing, tags_of_locked(resource));
  const bool any = std::any_of(existing.begin(), existing.end(), [&](const model::Tag& t) {
    return std::find(keys.begin(), keys.end(), t.key) != keys.end();
  });
  if (!any) return {};
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  for (const auto& key : keys) {
    Stmt stmt(m_db, "DELETE FROM tags WHERE resource_arn = ?1 AND key = ?2");
    BERTH_TRY(stmt.bind(1, resource).bind(2, key).run());
  }
  return tx.commit();
}

}  // namespace berth::store
