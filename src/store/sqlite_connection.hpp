// berth's default database: SQLite on a file (or ":memory:" in tests), one connection. Not
// thread-safe (the Store serialises access). Internal to store/: use Db::open.
#pragma once

#include <memory>
#include <string>

#include "store/connection.hpp"

namespace berth::store {

// Opens (creating if needed) the database at `path` with WAL, synchronous=FULL, foreign keys and
// a busy timeout; its files are made owner-only. ServerException on failure.
[[nodiscard]] Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path);

}  // namespace berth::store
