// Db's durability setting per transaction (SyncScope): what the connection commits with while a
// scope lives and after.
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "fixtures/temp_dir.hpp"
#include "store/db.hpp"

namespace db_test {

using namespace berth;
using namespace berth::store;

namespace {

// The connection's PRAGMA synchronous: 1 = NORMAL, 2 = FULL.
std::int64_t synchronous(Db& db) {
  Stmt stmt(db, "PRAGMA synchronous");
  REQUIRE(stmt.step().value_or(false));
  return stmt.integer(0);
}

}  // namespace

TEST_CASE("db: a deferred scope commits with synchronous=NORMAL and leaves FULL behind; a full one changes nothing",
          "[store][db]") {
  berth::testing::TempDir tmp;
  auto db = Db::open(tmp.path + "/state.db");
  REQUIRE(db.has_value());
  REQUIRE(db->exec("CREATE TABLE t(x INTEGER)"));
  CHECK(synchronous(*db) == 2);
  {
    const SyncScope scope(*db, Durability::deferred);
    CHECK(synchronous(*db) == 1);
    Tx tx(*db);
    REQUIRE(tx.begun());
    REQUIRE(db->exec("INSERT INTO t VALUES (1)"));
    REQUIRE(tx.commit());
  }
  CHECK(synchronous(*db) == 2);
  {
    const SyncScope scope(*db, Durability::full);
    CHECK(synchronous(*db) == 2);
  }
  CHECK(synchronous(*db) == 2);
  // The deferred write is there for every later reader.
  auto reopened = Db::open(tmp.path + "/state.db");
  REQUIRE(reopened.has_value());
  Stmt count(*reopened, "SELECT count(*) FROM t");
  REQUIRE(count.step().value_or(false));
  CHECK(count.integer(0) == 1);
}

TEST_CASE("db: sync_wal syncs the write-ahead log of a file database and is a no-op without one", "[store][db]") {
  berth::testing::TempDir tmp;
  auto db = Db::open(tmp.path + "/state.db");
  REQUIRE(db.has_value());
  CHECK(db->wal_path() == tmp.path + "/state.db-wal");
  {
    const SyncScope scope(*db, Durability::deferred);
    REQUIRE(db->exec("CREATE TABLE t(x INTEGER)"));
  }
  CHECK(sync_wal(db->wal_path()));
  auto memory = Db::open(":memory:");
  REQUIRE(memory.has_value());
  CHECK(memory->wal_path().empty());
  CHECK(sync_wal(memory->wal_path()));
  CHECK(sync_wal(tmp.path + "/none-wal"));  // no log: nothing to sync
}

// SQLite's configure would find usleep(); the amalgamation, compiled here, assumes it is missing
// unless told (the Makefile's HAVE_USLEEP), and then sleeps whole seconds: a connection waiting out
// another's write lock (the busy timeout) waited 1 s however short the lock. sqlite3_sleep returns
// the time it asked the OS for, so this reads the build's choice without timing anything.
TEST_CASE("db: SQLite as built sleeps in milliseconds, so a wait on another connection's lock is not whole seconds",
          "[store][db]") {
  CHECK(sqlite3_sleep(1) == 1);
}

}  // namespace db_test
