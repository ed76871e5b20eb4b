#include "store/store.hpp"

namespace berth::store {
namespace {

constexpr const char* k_ci_columns = "id, cluster, status, body, registered_at";

model::ContainerInstance read_instance(const Stmt& stmt) {
  model::ContainerInstance ci;
  ci.id = stmt.text(0);
  ci.cluster = stmt.text(1);
  ci.status = stmt.text(2);
  ci.body = model::Json::parse(stmt.text(3), nullptr, false);
  ci.registered_at = stmt.integer(4);
  return ci;
}

}  // namespace

Result<model::ContainerInstance> Store::put_container_instance(
    const model::ContainerInstance& instance, const std::vector<model::Tag>& tags,
    const std::string& tag_resource) {
  std::lock_guard lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt stmt(m_db,
            "INSERT INTO container_instances(id, cluster, status, body, registered_at) "
            "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET status = excluded.status, "
            "body = excluded.body");
  BERTH_TRY(stmt.bind(1, instance.id)
                .bind(2, instance.cluster)
                .bind(3, instance.status)
                .bind(4, instance.body.dump())
                .bind(5, instance.registered_at)
                .run());
  BERTH_TRY(put_tags_locked(tag_resource, tags));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("register container instance"));
  return instance;
}

Result<std::optional<model::ContainerInstance>> Store::find_container_instance(
    const std::string& cluster, const std::string& id) {
  std::lock_guard lock(m_mutex);
  Stmt stmt(m_db, std::string("SELECT ") + k_ci_columns +
                      " FROM container_instances WHERE cluster = ?1 AND id = ?2");
  stmt.bind(1, cluster).bind(2, id);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::ContainerInstance>();
  return std::optional<model::ContainerInstance>(read_instance(stmt));
}

Result<std::vector<model::ContainerInstance>> Store::list_container_instances(
    const std::string& cluster, const std::optional<std::string>& status, const std::string& after,
    std::size_t limit) {
  std::lock_guard lock(m_mutex);
  Stmt stmt(m_db, std::string("SELECT ") + k_ci_columns +
                      " FROM container_instances WHERE cluster = ?1 AND id > ?2 "
                      "AND (?3 IS NULL OR status = ?3) ORDER BY id LIMIT ?4");
  stmt.bind(1, cluster).bind(2, after).bind(4, static_cast<std::int64_t>(limit));
  if (status) stmt.bind(3, *status);
  return collect_rows<model::ContainerInstance>(stmt, read_instance);
}

Result<void> Store::remove_container_instance(const std::string& id, const std::string& tag_resource) {
  std::lock_guard lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt stmt(m_db, "DELETE FROM container_instances WHERE id = ?1");
  BERTH_TRY(stmt.bind(1, id).run());
  BERTH_TRY(remove_all_tags_locked(tag_resource));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("deregister container instance"));
  return {};
}

}  // namespace berth::store
