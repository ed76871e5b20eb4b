// Row readers and writers shared by the store's files (one aggregate per file, but a plan commit
// or a snapshot touches several). Callers hold the store's lock. Internal to store/.
#pragma once

#include "model/container_instance.hpp"
#include "model/service.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
#include "store/db.hpp"

namespace berth::store {

// The columns read_task_definition reads, in its order.
extern const char* const k_td_columns;
model::TaskDefinition read_task_definition(const Stmt& stmt);
// Reads "id, cluster, status, body, registered_at".
model::ContainerInstance read_instance(const Stmt& stmt);
// Reads the body column.
Result<model::Task> read_task(const Stmt& stmt);
Result<model::Service> read_service(const Stmt& stmt);

Result<void> upsert_task(Db& db, const model::Task& task);
Result<void> upsert_service(Db& db, const model::Service& service);

}  // namespace berth::store
