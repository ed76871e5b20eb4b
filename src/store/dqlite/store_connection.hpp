// The replicated store: berth's store (store::Db, so every Store operation and migration) on a
// dqlite cluster, through the wire client (store/dqlite/client.hpp). The connection goes to the
// leader, found among `addresses`, and opens the replicated database; when it breaks or the
// leader moves, the next call outside a transaction finds the leader again. A transaction whose
// connection broke fails whole: its later statements and its commit are refused, never run on a
// new connection outside it.
//
// How the engine differs, and what this connection does about it:
// - A write's rows are not returned (dqlite's EXEC answers a count): a statement is sent as a
//   query when its first keyword reads (SELECT, VALUES, PRAGMA without "=", WITH without a
//   write), otherwise as a write; a write with RETURNING is refused (the store reads back instead).
// - A malformed statement fails at its first step, not when prepared; a query's rows are read
//   whole at its first step (bounded by ClientOptions::max_result_bytes).
// - The leader answers a second writer "busy" at once rather than waiting: outside a transaction
//   (BEGIN IMMEDIATE, a write on its own) the request is sent again for up to `busy_timeout`, as
//   SQLite's busy timeout waits on a file.
// - Every commit is durable on a majority of the servers when answered: Durability::deferred
//   commits the same way (sync_wal has no file to sync).
// - changes() and total_changes() count this connection's writes as the leader reports them;
//   database_change_count() adds the other connections' commits (the other servers' included),
//   counted from the leader's `PRAGMA data_version`: one query each time.
// Not thread-safe (the Store serialises access).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "store/db.hpp"
#include "store/dqlite/client.hpp"

namespace berth::store::dqlite {

struct StoreOptions {
  std::vector<std::string> addresses;  // the cluster's nodes ("ip:port"), any order
  std::string database = "berth";      // the replicated database's name
  std::chrono::milliseconds busy_timeout{5000};
  ClientOptions client;
};

// Connects to the leader and opens the database (foreign keys on, as the SQLite file has them).
// ServerException when no node leads or the database cannot be opened.
[[nodiscard]] Result<store::Db> open_replicated_db(const StoreOptions& options);

// Whether `sql` (one statement) is sent as a query (it returns rows) rather than as a write.
bool returns_rows(std::string_view sql);

}  // namespace berth::store::dqlite
