#include "store/rows.hpp"
#include "store/store.hpp"
#include "common/numbers.hpp"

namespace berth::store {

const char* const k_td_columns = "family, revision, status, body, registered_at, deregistered_at";
// Daemon task definitions share the table (model/daemon.hpp) but are listed by their own actions.
constexpr std::string_view k_not_daemon_family = "substr(family, 1, 7) <> 'daemon:'";

Result<model::TaskDefinition> read_task_definition(const Stmt& stmt) {
  model::TaskDefinition td;
  td.family = stmt.text(0);
  td.revision = stmt.integer(1);
  BERTH_ASSIGN(td.status, read_status<model::TaskDefinitionStatus>(stmt, 2, "task definition"));
  td.body = model::Json::parse(stmt.text(3), nullptr, false);
  td.registered_at = stmt.integer(4);
  if (!stmt.is_null(5)) td.deregistered_at = stmt.integer(5);
  return td;
}

namespace {

// Splits a "family:revision" page key; an empty key means "from the start".
std::pair<std::string, long long> split_key(const std::string& key) {
  const auto colon = key.rfind(':');
  if (colon == std::string::npos) return {key, 0};
  // The key comes back from a client's nextToken: a revision that does not parse starts the
  // family from its first revision rather than guessing.
  return {key.substr(0, colon), parse_integer<long long>(std::string_view(key).substr(colon + 1)).value_or(0)};
}

}  // namespace

Result<model::TaskDefinition> Store::register_task_definition(const std::string& family,
                                                              const model::Json& body,
                                                              const std::vector<model::Tag>& tags,
                                                              EpochMs now) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  // The bump and its read are two statements, not one with RETURNING: the replicated store runs
  // a write without returning its rows (store/dqlite/store_connection.hpp).
  Stmt bump(m_db,
            "INSERT INTO task_definition_families(family, last_revision) VALUES(?1, 1) "
            "ON CONFLICT(family) DO UPDATE SET last_revision = last_revision + 1");
  BERTH_TRY(bump.bind(1, family).run());
  Stmt next(m_db, "SELECT last_revision FROM task_definition_families WHERE family = ?1");
  next.bind(1, family);
  BERTH_ASSIGN(const bool bumped, next.step());
  if (!bumped) return fail(Code::server, "register task definition: no revision for family " + family);
  model::TaskDefinition td;
  td.family = family;
  td.revision = next.integer(0);
  td.body = body;
  td.registered_at = now;
  Stmt insert(m_db, "INSERT INTO task_definitions(family, revision, status, body, registered_at) "
                    "VALUES(?1, ?2, 'ACTIVE', ?3, ?4)");
  BERTH_TRY(insert.bind(1, family).bind(2, td.revision).bind(3, body.dump()).bind(4, now).run());
  BERTH_TRY(put_tags_locked("task-definition/" + family + ":" + std::to_string(td.revision), tags));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("register task definition"));
  return td;
}

Result<std::optional<model::TaskDefinition>> Store::find_task_definition(
    const std::string& family, std::optional<long long> revision) {
  MutexLock lock(m_mutex);
  const std::string sql =
      std::string("SELECT ") + k_td_columns + " FROM task_definitions WHERE family = ?1 AND " +
      (revision ? "revision = ?2" : "status = 'ACTIVE' ORDER BY revision DESC LIMIT 1");
  Stmt stmt(m_db, sql);
  stmt.bind(1, family);
  if (revision) stmt.bind(2, static_cast<std::int64_t>(*revision));
  BERTH_ASSIGN(bool row, stmt.step());
  if (!row) return std::optional<model::TaskDefinition>();
  BERTH_ASSIGN(auto td, read_task_definition(stmt));
  return std::optional<model::TaskDefinition>(std::move(td));
}

Result<std::vector<model::TaskDefinition>> Store::list_task_definitions(
    const TaskDefinitionQuery& query) {
  MutexLock lock(m_mutex);
  const bool descending = query.order == SortOrder::descending;
  std::string sql = std::string("SELECT ") + k_td_columns +
                    " FROM task_definitions WHERE status = ?1 AND " + std::string(k_not_daemon_family);
  if (query.family) sql += " AND family = ?2";
  if (!query.after.empty()) sql += descending ? " AND (family, revision) < (?3, ?4)" : " AND (family, revision) > (?3, ?4)";
  sql += descending ? " ORDER BY family DESC, revision DESC" : " ORDER BY family, revision";
  sql += " LIMIT ?5";
  Stmt stmt(m_db, sql);
  stmt.bind(1, model::to_wire(query.status));
  if (query.family) stmt.bind(2, *query.family);
  if (!query.after.empty()) {
    const auto [family, revision] = split_key(query.after);
    stmt.bind(3, family).bind(4, static_cast<std::int64_t>(revision));
  }
  stmt.bind(5, static_cast<std::int64_t>(query.limit));
  return collect_rows<model::TaskDefinition>(stmt, read_task_definition);
}

Result<std::vector<std::string>> Store::list_families(const FamilyQuery& query) {
  MutexLock lock(m_mutex);
  // ECS: ACTIVE = families with an ACTIVE revision; INACTIVE = families with none; ALL = all.
  std::string condition;
  switch (query.status) {
    case model::FamilyStatus::active:
      condition = "EXISTS (SELECT 1 FROM task_definitions t WHERE t.family = f.family AND t.status = 'ACTIVE')";
      break;
    case model::FamilyStatus::inactive:
      condition = "NOT EXISTS (SELECT 1 FROM task_definitions t WHERE t.family = f.family AND t.status = 'ACTIVE')";
      break;
    case model::FamilyStatus::all:
      condition = "1";
      break;
  }
  Stmt stmt(m_db, "SELECT family FROM task_definition_families f WHERE " + condition +
                      " AND " + std::string(k_not_daemon_family) +
                      " AND substr(family, 1, length(?1)) = ?1 AND family > ?2 ORDER BY family LIMIT ?3");
  stmt.bind(1, query.prefix).bind(2, query.after).bind(3, static_cast<std::int64_t>(query.limit));
  return collect_rows<std::string>(stmt, [](const Stmt& row) { return row.text(0); });
}

Result<model::TaskDefinition> Store::set_task_definition_status(const std::string& family, long long revision,
                                                                model::TaskDefinitionStatus from,
                                                                model::TaskDefinitionStatus to, EpochMs now) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt update(m_db,
              "UPDATE task_definitions SET status = ?4, deregistered_at = coalesce(deregistered_at, ?5) "
              "WHERE family = ?1 AND revision = ?2 AND status = ?3");
  BERTH_TRY(update.bind(1, family).bind(2, static_cast<std::int64_t>(revision)).bind(3, model::to_wire(from)).bind(4, model::to_wire(to))
                .bind(5, now).run());
  const bool changed = m_db.changes() > 0;
  Stmt read(m_db, std::string("SELECT ") + k_td_columns +
                      " FROM task_definitions WHERE family = ?1 AND revision = ?2");
  read.bind(1, family).bind(2, static_cast<std::int64_t>(revision));
  BERTH_ASSIGN(bool row, read.step());
  if (!row) return fail(Code::client, "The specified task definition does not exist.");
  BERTH_ASSIGN(auto td, read_task_definition(read));
  if (changed) {
    if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("set task definition status"));
  }
  return td;
}

}  // namespace berth::store
