// The database a Db runs on, as an interface with two implementations: SQLite on a file
// (store/sqlite_connection.cpp, berth's default) and a dqlite cluster reached through its wire
// client (store/dqlite/store_connection.cpp, linked only where the engine is: Makefile's ENGINE_*).
// The store's files see only Db, Stmt and Tx (store/db.hpp), never which one runs. Neither is
// thread-safe: the Store serialises access to its Db.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.hpp"

namespace berth::store {

// When a write reaches the disk. `full`: fsynced before the call returns (desired state, and
// whatever a reply acknowledges). `deferred`: committed to the WAL without waiting for its fsync
// (synchronous=NORMAL for that transaction): a power cut may roll it back, never corrupts the
// file, and loses no earlier write, as the next `full` commit syncs the WAL with everything before
// it. For observed state the agent rebuilds from the runtime after a restart (a crash of berth
// alone loses nothing: the write is in the kernel's page cache), and for a commit its caller
// makes durable itself (sync_wal) before acknowledging it, once it has told those that act on it.
// On the replicated store every commit is `full`: it is answered once a majority's logs hold it.
enum class Durability { full, deferred };

// One prepared statement: bind by 1-based index, step through its rows, read columns (0-based)
// of the current row as SQLite converts them (NULL reads as "" and 0).
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void bind(int index, std::string_view text) = 0;
  virtual void bind(int index, std::int64_t value) = 0;
  virtual void bind_null(int index) = 0;
  // true = a row is ready, false = done. ServerException on error.
  [[nodiscard]] virtual Result<bool> step() = 0;
  virtual std::string text(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual bool is_null(int column) const = 0;
};

// The other connections' commits as one connection sees them: the times the `PRAGMA data_version`
// it read differed from the one it read before. A count of changes of the value, not the value
// itself, so it only grows: across a new connection to the replicated store's leader (whose
// data_version starts again; a change is assumed, as when the version could not be read) and
// past the value's 32-bit wrap.
class DataVersionWatch {
 public:
  // `version` read on the connection numbered `link`, or nullopt when it could not be read.
  std::int64_t observe(std::uint64_t link, std::optional<std::int64_t> version) {
    if (!version) {
      m_last.reset();
      return ++m_moves;
    }
    const std::pair seen{link, *version};
    if (m_last && *m_last != seen) ++m_moves;
    m_last = seen;
    return m_moves;
  }

 private:
  std::optional<std::pair<std::uint64_t, std::int64_t>> m_last;  // none before the first read
  std::int64_t m_moves = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one or more statements that return no rows.
  [[nodiscard]] virtual Result<void> exec(std::string_view sql) = 0;
  // Prepares `sql`. Aborts on a malformed statement where it can tell (SQL text is ours, so that
  // is a bug); the replicated store reports it at the first step instead.
  virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
  // Begins a transaction that holds the write lock from the start (BEGIN IMMEDIATE), waiting
  // (bounded) while another connection holds it.
  [[nodiscard]] virtual Result<void> begin() = 0;
  // Ends the transaction begin() started. A commit that fails on the replicated store because the
  // leader went may still be applied by the next leader: the caller reports the error, as for a
  // write it cannot tell happened.
  [[nodiscard]] virtual Result<void> commit() = 0;
  [[nodiscard]] virtual Result<void> rollback() = 0;
  // The durability of the commits that follow; false when the connection has no such setting
  // (the replicated store: a commit is on a majority of disks when answered).
  [[nodiscard]] virtual bool set_durability(Durability durability) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE, and by all of them since the connection
  // opened (this connection's own writes).
  virtual int changes() const = 0;
  virtual std::int64_t total_changes() const = 0;
  // A count that moves with every commit to the database, whichever connection (or server) made
  // it: this connection's total_changes() plus the times SQLite's `PRAGMA data_version` (which
  // moves when another connection commits) was seen to move (DataVersionWatch). Equal twice =
  // nothing was committed between the two calls. Reads: on the file, a local pragma; on the
  // replicated store, one round trip to the leader (whose connection for this one runs it). When
  // the version cannot be read the count moves (a change is assumed).
  virtual std::int64_t database_change_count() = 0;
  // The write-ahead log a caller fsyncs for deferred commits (sync_wal); empty when there is none
  // on this machine (":memory:", the replicated store).
  virtual const std::string& wal_path() const = 0;
  // Lets SQL on this connection (its triggers) call `name(a, b)`, which calls `on_call(a, b)` with
  // the two arguments as text: how the store learns of every write to a table whoever makes it
  // (store/instance_task_versions.hpp). false when the connection cannot: the replicated store's
  // SQL runs on the leader, where the other servers write too, so no callback here would see all.
  using TextPairCallback = std::function<void(std::string_view, std::string_view)>;
  [[nodiscard]] virtual bool define_callback(const std::string& name, TextPairCallback on_call) = 0;
};

}  // namespace berth::store
