// Row readers and writers shared by the store's files (one aggregate per file, but a plan commit
// or a snapshot touches several). Callers hold the store's lock. Internal to store/.
#pragma once

#include <optional>
#include <string>

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
// Reads the body column.
Result<model::Task> read_task(const Stmt& stmt);
// Reads a task's protected_until column (at `column`): nothing when NULL.
std::optional<EpochMs> protected_until_of(const Stmt& stmt, int column);
Result<model::Service> read_service(const Stmt& stmt);

Result<void> upsert_task(Db& db, const model::Task& task);

// `SELECT <columns> FROM tasks WHERE <where>` for the tasks not stopped, as the two ranges of
// last_status on either side of STOPPED joined by UNION ALL (no order: callers that need one
// select id and sort the whole). Each range is read in the index that leads with the cluster or
// the instance, then last_status. `last_status != 'STOPPED'` looked up the row of every stopped task
// ever kept before testing it (SQLite 3.40: about 2.5 us each with berth's build, 7.6 ms a read
// with 2,000 of them, in each RunTask's placement and each agent pass); an OR of the two ranges
// builds a temporary table to merge them, 10 to 15 fresh heap pages each time (0.13-0.19 ms here).
std::string select_not_stopped_tasks(std::string_view columns, std::string_view where);

Result<void> upsert_service(Db& db, const model::Service& service);

}  // namespace berth::store
