// StatementCache on an in-memory SQLite database: a statement comes back reset and unbound, the
// same text in use twice gets two statements, and the idle ones stay within the bound (the least
// recently used goes).
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <string>

#include "store/statement_cache.hpp"

using berth::store::StatementCache;

namespace {

struct MemoryDb {
  sqlite3* db = nullptr;
  MemoryDb() {
    REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3);", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
  }
  ~MemoryDb() { sqlite3_close_v2(db); }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    return statement;
  }
};

}  // namespace

TEST_CASE("statement cache: a statement given back is reset, unbound and handed out again", "[store]") {
  MemoryDb m;
  StatementCache cache(4);
  const std::string sql = "SELECT v FROM t WHERE v >= ?1 ORDER BY v";
  CHECK(cache.take(sql) == nullptr);
  sqlite3_stmt* first = m.prepare(sql);
  sqlite3_bind_int64(first, 1, 2);
  REQUIRE(sqlite3_step(first) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(first, 0) == 2);
  cache.give_back(sql, first);  // given back mid-read
  CHECK(cache.idle_count() == 1);
  CHECK(cache.take("SELECT v FROM t") == nullptr);  // only the exact text
  sqlite3_stmt* again = cache.take(sql);
  CHECK(again == first);
  CHECK(cache.idle_count() == 0);
  // Reset and unbound: ?1 is NULL now, so `v >= NULL` matches nothing; bound again, it reads from the start.
  CHECK(sqlite3_step(again) == SQLITE_DONE);
  sqlite3_reset(again);
  sqlite3_bind_int64(again, 1, 1);
  REQUIRE(sqlite3_step(again) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(again, 0) == 1);
  cache.give_back(sql, again);
  // A write is not held back by the statement kept idle (its read ended at the reset).
  CHECK(sqlite3_exec(m.db, "BEGIN IMMEDIATE; DELETE FROM t; COMMIT;", nullptr, nullptr, nullptr) == SQLITE_OK);
}

TEST_CASE("statement cache: the same text in use twice is two statements; one idle copy is kept", "[store]") {
  MemoryDb m;
  StatementCache cache(4);
  const std::string sql = "SELECT count(*) FROM t";
  sqlite3_stmt* a = m.prepare(sql);
  sqlite3_stmt* b = m.prepare(sql);
  cache.give_back(sql, a);
  cache.give_back(sql, b);  // finalized: a is kept
  CHECK(cache.idle_count() == 1);
  CHECK(cache.take(sql) == a);
  CHECK(cache.take(sql) == nullptr);
  sqlite3_finalize(a);
}

TEST_CASE("statement cache: past its bound the least recently used idle statement is finalized", "[store]") {
  MemoryDb m;
  StatementCache cache(2);
  const std::string one = "SELECT 1", two = "SELECT 2", three = "SELECT 3";
  cache.give_back(one, m.prepare(one));
  cache.give_back(two, m.prepare(two));
  sqlite3_stmt* used = cache.take(one);  // `one` is now the most recently used once given back
  cache.give_back(one, used);
  cache.give_back(three, m.prepare(three));  // over the bound: `two` goes
  CHECK(cache.idle_count() == 2);
  CHECK(cache.take(two) == nullptr);
  CHECK(cache.take(one) == used);
  sqlite3_stmt* kept = cache.take(three);
  CHECK(kept != nullptr);
  sqlite3_finalize(used);
  sqlite3_finalize(kept);
  // Nothing is left unfinalized: the connection closes cleanly.
  CHECK(sqlite3_next_stmt(m.db, nullptr) == nullptr);
}
