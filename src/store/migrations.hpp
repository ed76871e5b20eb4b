// Numbered schema migrations embedded in the binary. Pure data plus one applier.
#pragma once

#include "common/result.hpp"
#include "store/db.hpp"

namespace berth::store {

// The newest schema version this binary knows.
int latest_schema_version();

// Brings `db` up to latest_schema_version(), one transaction per step. Refuses (ServerException
// with a clear message) a database whose version is newer than this binary knows.
[[nodiscard]] Result<void> migrate(Db& db);

}  // namespace berth::store
