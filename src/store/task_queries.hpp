// The SQL of the store's reads of tasks that must not look up every task a store keeps (berth keeps
// every stopped task): built here, by the store's files and by the tests of their query plans
// (tests/store/task_read_plans_test.cpp), so that the plans tested are those run. Internal to store/.
#pragma once

#include <string>
#include <string_view>

#include "store/store.hpp"

namespace berth::store {

// `SELECT <columns> FROM tasks WHERE <where>` for the tasks not stopped, as the two ranges of
// last_status on either side of STOPPED joined by UNION ALL (no order: callers that need one
// select id and sort the whole). Each range is read in the index that leads with the cluster or
// the instance, then last_status. `last_status != 'STOPPED'` looked up the row of every stopped task
// ever kept before testing it (SQLite 3.40: about 2.5 us each with berth's build, 7.6 ms a read
// with 2,000 of them, in each RunTask's placement and each agent pass); an OR of the two ranges
// builds a temporary table to merge them, 10 to 15 fresh heap pages each time (0.13-0.19 ms here).
std::string select_not_stopped_tasks(std::string_view columns, std::string_view where);

// Store::list_tasks' statement: the k_task_columns of each task `q` selects, in id order. Parameters: ?1
// after, ?2 cluster, ?3 instance, ?4 family, ?5 started_by, ?6 desired status, ?7 group, ?8 limit
// (only those `q` sets are in the SQL, but ?1 and ?8).
std::string list_tasks_sql(const TaskQuery& q);

// A cluster snapshot's tasks (body, protected_until) in id order: those not stopped, and with
// `with_primaries` also the stopped ones started by the deployments or task sets in the JSON array
// ?3. Parameters: ?1 cluster, ?2 limit.
std::string snapshot_tasks_sql(bool with_primaries);

}  // namespace berth::store
