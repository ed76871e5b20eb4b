#include "store/rows.hpp"
#include "store/store.hpp"

namespace berth::store {
namespace {

constexpr const char* k_ci_columns = "id, cluster, status, body, registered_at";

std::string instance_tag_resource(const std::string& cluster, const std::string& id) {
  return "container-instance/" + cluster + "/" + id;
}

}  // namespace

Result<model::ContainerInstance> read_instance(const Stmt& stmt) {
  model::ContainerInstance ci;
  ci.id = stmt.text(0);
  ci.cluster = stmt.text(1);
  BERTH_ASSIGN(ci.status, read_status<model::InstanceStatus>(stmt, 2, "container instance"));
  ci.body = model::Json::parse(stmt.text(3), nullptr, false);
  ci.registered_at = stmt.integer(4);
  return ci;
}

namespace {

Result<std::optional<model::ContainerInstance>> find_instance_in(Db& db, const std::string& cluster,
                                                                const std::string& id) {
  Stmt stmt(db, std::string("SELECT ") + k_ci_columns + " FROM container_instances WHERE cluster = ?1 AND id = ?2");
  stmt.bind(1, cluster).bind(2, id);
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::ContainerInstance>();
  BERTH_ASSIGN(auto instance, read_instance(stmt));
  return std::optional<model::ContainerInstance>(std::move(instance));
}

}  // namespace

Result<std::optional<model::ContainerInstance>> Store::update_instance_locked(
    const std::string& cluster, const std::string& id, const InstanceChange& change, IfMissing if_missing,
    const std::vector<model::Tag>& tags) {
  BERTH_ASSIGN(auto stored, find_instance_in(m_db, cluster, id));
  const InstanceOrigin origin = stored ? InstanceOrigin::stored : InstanceOrigin::registering;
  if (!stored) {
    if (if_missing == IfMissing::skip) return std::optional<model::ContainerInstance>();
    BERTH_TRY(require_active_cluster_locked(cluster));
  }
  model::ContainerInstance instance = stored ? *stored : model::ContainerInstance{id, cluster};
  BERTH_TRY(change(instance, origin));
  instance.id = id;
  instance.cluster = cluster;
  const bool changed = !stored || instance.status != stored->status || instance.body != stored->body;
  if (changed) {  // an unchanged instance is not written again (flash wear)
    Stmt stmt(m_db,
              "INSERT INTO container_instances(id, cluster, status, body, registered_at) "
              "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET status = excluded.status, "
              "body = excluded.body");
    BERTH_TRY(stmt.bind(1, instance.id)
                  .bind(2, instance.cluster)
                  .bind(3, std::string(model::to_wire(instance.status)))
                  .bind(4, instance.body.dump())
                  .bind(5, instance.registered_at)
                  .run());
  }
  if (!tags.empty()) BERTH_TRY(put_tags_locked(instance_tag_resource(cluster, id), tags));
  return std::optional<model::ContainerInstance>(std::move(instance));
}

Result<std::optional<model::ContainerInstance>> Store::update_container_instance(
    const std::string& cluster, const std::string& id, const InstanceChange& change, IfMissing if_missing,
    const std::vector<model::Tag>& tags) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto instance, update_instance_locked(cluster, id, change, if_missing, tags));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("write container instance"));
  return instance;
}

Result<bool> Store::update_container_instances(const std::string& cluster, const std::vector<std::string>& ids,
                                               const InstanceChange& change) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  for (const auto& id : ids) {
    BERTH_ASSIGN(auto instance, update_instance_locked(cluster, id, change, IfMissing::skip, {}));
    if (!instance) return false;  // the transaction rolls back: nothing of the call is written
  }
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("write container instances"));
  return true;
}

Result<std::optional<model::ContainerInstance>> Store::find_container_instance(
    const std::string& cluster, const std::string& id) {
  MutexLock lock(m_mutex);
  return find_instance_in(m_db, cluster, id);
}

Result<std::vector<model::ContainerInstance>> Store::list_container_instances(
    const std::string& cluster, const std::optional<model::InstanceStatus>& status, const std::string& after,
    std::size_t limit) {
  MutexLock lock(m_mutex);
  Stmt stmt(m_db, std::string("SELECT ") + k_ci_columns +
                      " FROM container_instances WHERE cluster = ?1 AND id > ?2 "
                      "AND (?3 IS NULL OR status = ?3) ORDER BY id LIMIT ?4");
  stmt.bind(1, cluster).bind(2, after).bind(4, static_cast<std::int64_t>(limit));
  if (status) stmt.bind(3, model::to_wire(*status));
  return collect_rows<model::ContainerInstance>(stmt, read_instance);
}

Result<bool> Store::remove_container_instance(const std::string& cluster, const std::string& id) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt stmt(m_db, "DELETE FROM container_instances WHERE cluster = ?1 AND id = ?2");
  BERTH_TRY(stmt.bind(1, cluster).bind(2, id).run());
  if (m_db.changes() == 0) return false;
  BERTH_TRY(remove_all_tags_locked(instance_tag_resource(cluster, id)));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("deregister container instance"));
  return true;
}

}  // namespace berth::store
