#include "store/instance_task_versions.hpp"

#include <functional>

#include "store/db.hpp"

namespace berth::store {
namespace {

// TEMP triggers: they belong to this connection only (nothing is written to the database file,
// and another program opening berth.db does not need the function).
constexpr const char* k_triggers = R"(
CREATE TEMP TRIGGER IF NOT EXISTS berth_task_inserted AFTER INSERT ON main.tasks BEGIN
  SELECT berth_task_rows_written(NEW.cluster, NEW.container_instance);
END;
CREATE TEMP TRIGGER IF NOT EXISTS berth_task_updated AFTER UPDATE ON main.tasks BEGIN
  SELECT berth_task_rows_written(OLD.cluster, OLD.container_instance);
  SELECT berth_task_rows_written(NEW.cluster, NEW.container_instance);
END;
CREATE TEMP TRIGGER IF NOT EXISTS berth_task_deleted AFTER DELETE ON main.tasks BEGIN
  SELECT berth_task_rows_written(OLD.cluster, OLD.container_instance);
END;
)";

}  // namespace

std::size_t InstanceTaskVersions::slot(std::string_view cluster, std::string_view instance_id) {
  const std::size_t h = std::hash<std::string_view>{}(cluster) * 31 + std::hash<std::string_view>{}(instance_id);
  return h % k_slots;
}

Result<void> InstanceTaskVersions::install(Db& db, InstanceTaskVersions& versions) {
  const bool defined = db.connection().define_callback(
      "berth_task_rows_written", [&versions](std::string_view cluster, std::string_view instance_id) {
        versions.bump(cluster, instance_id);
      });
  if (!defined) {
    versions.m_untracked.store(true, std::memory_order_release);
    return {};
  }
  return db.exec(k_triggers);
}

}  // namespace berth::store
