#include "store/instance_task_versions.hpp"

#include <sqlite3.h>

#include <functional>

#include "store/db.hpp"

namespace berth::store {
namespace {

// berth_task_rows_written(cluster, container_instance): the triggers' call into the versions.
void task_rows_written(sqlite3_context* context, int argc, sqlite3_value** argv) {
  auto* versions = static_cast<InstanceTaskVersions*>(sqlite3_user_data(context));
  const auto text = [&](int i) {
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_value_text(argv[i]));
    return bytes ? std::string_view(bytes, static_cast<std::size_t>(sqlite3_value_bytes(argv[i]))) : std::string_view();
  };
  if (argc == 2) versions->bump(text(0), text(1));
  sqlite3_result_null(context);
}

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
  const int rc = sqlite3_create_function_v2(db.handle(), "berth_task_rows_written", 2, SQLITE_UTF8, &versions,
                                            task_rows_written, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail(Code::server, "cannot register the task versions' function: " + db.last_error());
  return db.exec(k_triggers);
}

}  // namespace berth::store
