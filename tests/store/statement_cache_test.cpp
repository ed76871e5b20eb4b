// StatementCache on a SQLite database in a file: a statement comes back reset and unbound (its
// read ended: another connection can write), the same text in use twice gets two statements, and
// the idle ones stay within the bound (the least recently used goes).
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <string>

#include "fixtures/temp_dir.hpp"
#include "store/statement_cache.hpp"

namespace statement_cache_test {

using berth::store::StatementCache;

namespace {

// A file, not ":memory:": a second connection sees the first one's open reads (its default
// rollback journal makes a writer wait for readers).
struct FileDb {
  berth::testing::TempDir tmp;
  std::string path = tmp.path + "/t.db";
  sqlite3* db = nullptr;
  FileDb() {
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3);", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
  }
  ~FileDb() { sqlite3_close_v2(db); }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    return statement;
  }
};

}  // namespace

TEST_CASE("statement cache: a statement given back is reset, unbound and handed out again", "[store]") {
  FileDb m;
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
  // Given back mid-read again: kept idle, it holds no read, so another connection's write goes
  // through at once (no busy timeout is set: a read still open would make it SQLITE_BUSY).
  REQUIRE(sqlite3_step(again) == SQLITE_ROW);
  cache.give_back(sql, again);
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(m.path.c_str(), &other) == SQLITE_OK);
  CHECK(sqlite3_exec(other, "DELETE FROM t", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close_v2(other);
}

TEST_CASE("statement cache: the same text in use twice is two statements; one idle copy is kept", "[store]") {
  FileDb m;
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
  FileDb m;
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

}  // namespace statement_cache_test
