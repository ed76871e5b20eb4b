// RAII wrappers over one database connection (store/connection.hpp: SQLite on a file, or the
// replicated store): Db (connection), Stmt (prepared statement, finalized on destruction), Tx
// (BEGIN IMMEDIATE; rolls back unless committed) and SyncScope (commits without waiting for fsync
// while it lives). Not thread-safe: the Store serialises access to its Db.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/connection.hpp"

namespace berth::store {

class Db {
 public:
  // Opens (creating if needed) the SQLite database at `path` (":memory:" for tests) with WAL,
  // synchronous=FULL, foreign keys and a busy timeout. Returns ServerException on failure.
  [[nodiscard]] static Result<Db> open(const std::string& path);
  // Runs on `connection` (the replicated store's, store/dqlite/store_connection.hpp).
  explicit Db(std::unique_ptr<Connection> connection) : m_connection(std::move(connection)) {}

  // Runs one or more statements that return no rows.
  [[nodiscard]] Result<void> exec(std::string_view sql) { return m_connection->exec(sql); }

  Connection& connection() { return *m_connection; }
  // Rows changed by the last statement.
  int changes() const { return m_connection->changes(); }
  // The write-ahead log's path ("<path>-wal"; empty for ":memory:" and the replicated store), for
  // sync_wal().
  const std::string& wal_path() const { return m_connection->wal_path(); }

 private:
  std::unique_ptr<Connection> m_connection;
};

class Stmt {
 public:
  // Prepares `sql` on `db`. Aborts on a malformed statement: SQL text is ours, so that is a bug
  // (the replicated store reports it at the first step).
  Stmt(Db& db, std::string_view sql) : m_statement(db.connection().prepare(sql)) {}

  // Binds by 1-based index; returns *this to chain.
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, std::optional<std::int64_t> value);
  Stmt& bind_null(int index);

  // Advances to the next row: true = a row is ready, false = done. ServerException on error.
  [[nodiscard]] Result<bool> step();
  // Runs a statement that returns no rows.
  [[nodiscard]] Result<void> run();

  std::string text(int column) const { return m_statement->text(column); }
  std::int64_t integer(int column) const { return m_statement->integer(column); }
  bool is_null(int column) const { return m_statement->is_null(column); }

 private:
  std::unique_ptr<Statement> m_statement;
};

// Steps `stmt` to the end, turning each row into a T with `read_row(stmt)`, which returns
// Result<T> (rows holding JSON that must parse).
template <class T, class ReadRow>
[[nodiscard]] Result<std::vector<T>> collect_parsed_rows(Stmt& stmt, ReadRow read_row) {
  std::vector<T> rows;
  while (true) {
    auto row = stmt.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return rows;
    auto value = read_row(stmt);
    if (!value) return std::unexpected(value.error());
    rows.push_back(std::move(*value));
  }
}

// As collect_parsed_rows, for readers that cannot fail.
template <class T, class ReadRow>
[[nodiscard]] Result<std::vector<T>> collect_rows(Stmt& stmt, ReadRow read_row) {
  return collect_parsed_rows<T>(stmt, [&](const Stmt& s) -> Result<T> { return read_row(s); });
}

// Durability: store/connection.hpp.

// Makes every commit of the database whose write-ahead log is at `wal_path` (Db::wal_path)
// durable: fsyncs the log, which holds each commit not yet checkpointed (a checkpoint syncs what
// it copies). Touches no SQLite state, so it runs on any thread beside the connection's calls.
// No-op for an empty path or a missing log.
[[nodiscard]] Result<void> sync_wal(const std::string& wal_path);

// The durability of the transactions `db` commits while it lives: `deferred` commits them with
// synchronous=NORMAL, `full` changes nothing; FULL again when it goes. Declare it before the Tx
// it covers.
class SyncScope {
 public:
  SyncScope(Db& db, Durability durability);
  SyncScope(const SyncScope&) = delete;
  SyncScope& operator=(const SyncScope&) = delete;
  ~SyncScope();

 private:
  Db& m_db;
  bool m_deferred;
};

class Tx {
 public:
  // Begins an IMMEDIATE transaction (takes the write lock up front, so it never deadlocks
  // upgrading from a read). Check begun() before use.
  explicit Tx(Db& db);
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  ~Tx();

  [[nodiscard]] Result<void> begun() const { return m_begun; }
  // Commits; after a successful commit with synchronous=FULL the write is on disk (on the
  // replicated store, on a majority of the servers' disks).
  [[nodiscard]] Result<void> commit();

 private:
  Db& m_db;
  Result<void> m_begun;
  bool m_done = false;
};

}  // namespace berth::store
