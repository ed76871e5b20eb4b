#include "store/store.hpp"

#include "store/migrations.hpp"

namespace berth::store {

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  BERTH_ASSIGN(Db db, Db::open(path));
  return open_on(std::move(db));
}

Result<std::unique_ptr<Store>> Store::open_on(Db db) {
  BERTH_TRY(migrate(db));
  std::unique_ptr<Store> store(new Store(std::move(db)));
  {
    MutexLock lock(store->m_mutex);
    BERTH_TRY(InstanceTaskVersions::install(store->m_db, store->m_task_versions));
  }
  return store;
}

Result<void> Store::exec_for_test(const std::string& sql) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(m_db.exec(sql));
  return tx.commit();
}

std::int64_t Store::change_count() {
  MutexLock lock(m_mutex);
  return m_db.connection().database_change_count();
}

}  // namespace berth::store
