// Row readers and writers shared by the store's files (one aggregate per file, but a plan commit
// or a snapshot touches several). Callers hold the store's lock. Internal to store/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "model/container_instance.hpp"
#include "model/service.hpp"
#include "model/statuses.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
#include "store/db.hpp"

namespace berth::store {

// A status column as its enum. berth writes only the wire spellings, so another one is a corrupt
// row: an error naming `record`, as a task's or a service's unreadable status is.
template <class Status>
Result<Status> read_status(const Stmt& stmt, int column, const char* record) {
  const auto status = model::from_wire<Status>(stmt.text(column));
  if (!status) return fail(Code::server, std::string("corrupt ") + record + " record");
  return *status;
}

// The columns read_task_definition reads, in its order.
extern const char* const k_td_columns;
Result<model::TaskDefinition> read_task_definition(const Stmt& stmt);
// Reads "id, cluster, status, body, registered_at".
Result<model::ContainerInstance> read_instance(const Stmt& stmt);
// The columns read_task reads, in its order.
inline constexpr std::string_view k_task_columns = "body";
Result<model::Task> read_task(const Stmt& stmt);
// Reads a task's protected_until column (at `column`): nothing when NULL.
std::optional<EpochMs> protected_until_of(const Stmt& stmt, int column);
Result<model::Service> read_service(const Stmt& stmt);

Result<void> upsert_task(Db& db, const model::Task& task);

Result<void> upsert_service(Db& db, const model::Service& service);

}  // namespace berth::store
