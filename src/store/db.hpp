// RAII wrappers over one SQLite connection: Db (connection), Stmt (prepared statement, finalized
// on destruction), Tx (BEGIN IMMEDIATE; rolls back unless committed) and SyncScope (commits
// without waiting for fsync while it lives). Not thread-safe: the
// Store serialises access to its Db.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace berth::store {

class Db {
 public:
  // Opens (creating if needed) the database at `path` (":memory:" for tests) with WAL,
  // synchronous=FULL, foreign keys and a busy timeout. Returns ServerException on failure.
  [[nodiscard]] static Result<Db> open(const std::string& path);

  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Runs one or more statements that return no rows.
  [[nodiscard]] Result<void> exec(std::string_view sql);

  sqlite3* handle() const { return m_db; }
  // Returns the last SQLite error message of this connection.
  std::string last_error() const;
  // Rows changed by the last statement.
  int changes() const;
  // The write-ahead log's path ("<path>-wal"; empty for ":memory:"), for sync_wal().
  const std::string& wal_path() const { return m_wal_path; }

 private:
  explicit Db(sqlite3* db, std::string wal_path) : m_db(db), m_wal_path(std::move(wal_path)) {}
  sqlite3* m_db = nullptr;
  std::string m_wal_path;  // "<path>-wal"; empty for ":memory:"
};

class Stmt {
 public:
  // Prepares `sql` on `db`. Aborts on a malformed statement: SQL text is ours, so that is a bug.
  Stmt(Db& db, std::string_view sql);
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds by 1-based index; returns *this to chain.
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, std::optional<std::int64_t> value);
  Stmt& bind_null(int index);

  // Advances to the next row: true = a row is ready, false = done. ServerException on error.
  [[nodiscard]] Result<bool> step();
  // Runs a statement that returns no rows.
  [[nodiscard]] Result<void> run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  Db& m_db;
  sqlite3_stmt* m_stmt = nullptr;
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

// When a write reaches the disk. `full`: fsynced before the call returns (desired state, and
// whatever a reply acknowledges). `deferred`: committed to the WAL without waiting for its fsync
// (synchronous=NORMAL for that transaction): a power cut may roll it back, never corrupts the
// file, and loses no earlier write, as the next `full` commit syncs the WAL with everything before
// it. For observed state the agent rebuilds from the runtime after a restart (a crash of berth
// alone loses nothing: the write is in the kernel's page cache), and for a commit its caller
// makes durable itself (sync_wal) before acknowledging it, once it has told those that act on it.
enum class Durability { full, deferred };

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
  // upgrading from a read). Check ok() before use.
  explicit Tx(Db& db);
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  ~Tx();

  [[nodiscard]] Result<void> begun() const { return m_begun; }
  // Commits; after a successful commit with synchronous=FULL the write is on disk.
  [[nodiscard]] Result<void> commit();

 private:
  Db& m_db;
  Result<void> m_begun;
  bool m_done = false;
};

}  // namespace berth::store
