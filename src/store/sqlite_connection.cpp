#include "store/sqlite_connection.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <sqlite3.h>

#include "store/statement_cache.hpp"

namespace berth::store {
namespace {

// How many prepared statements a connection keeps idle (StatementCache): the store's distinct
// statements number a few dozen; each kept one holds a few KiB.
constexpr std::size_t k_kept_statements = 64;

class SqliteStatement final : public Statement {
 public:
  // Takes an idle statement of the same text from `cache`, else prepares one; gives it back when
  // destroyed.
  SqliteStatement(sqlite3* db, std::string_view sql, StatementCache& cache) : m_db(db), m_cache(cache), m_sql(sql) {
    m_stmt = cache.take(sql);
    if (m_stmt) return;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = "prepare failed: " + std::string(sqlite3_errmsg(db)) + " in: " + std::string(sql);
      check_failed(message.c_str(), __FILE__, __LINE__);
    }
  }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() override { m_cache.give_back(std::move(m_sql), m_stmt); }

  void bind(int index, std::string_view text) override {
    sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int index, std::int64_t value) override { sqlite3_bind_int64(m_stmt, index, value); }
  void bind_null(int index) override { sqlite3_bind_null(m_stmt, index); }

  Result<bool> step() override {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return fail(Code::server, std::string("sqlite step: ") + sqlite3_errmsg(m_db));
  }

  std::string text(int column) const override {
    const auto* p = sqlite3_column_text(m_stmt, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)))
             : std::string();
  }
  std::int64_t integer(int column) const override { return sqlite3_column_int64(m_stmt, column); }
  bool is_null(int column) const override { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

 private:
  sqlite3* m_db;
  StatementCache& m_cache;
  std::string m_sql;
  sqlite3_stmt* m_stmt = nullptr;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::string wal_path) : m_db(db), m_wal_path(std::move(wal_path)) {}
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() override {
    m_statements.reset();  // finalizes the idle statements before the connection closes
    if (m_db) sqlite3_close_v2(m_db);
  }

  Result<void> exec(std::string_view sql) override {
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      return fail(Code::server, "sqlite: " + text);
    }
    return {};
  }
  std::unique_ptr<Statement> prepare(std::string_view sql) override {
    return std::make_unique<SqliteStatement>(m_db, sql, *m_statements);
  }
  // The busy timeout set at open does the waiting. These run around every write, so they go
  // through the kept statements too rather than sqlite3_exec's prepare of each.
  Result<void> begin() override { return run("BEGIN IMMEDIATE"); }
  Result<void> commit() override { return run("COMMIT"); }
  Result<void> rollback() override { return run("ROLLBACK"); }
  bool set_durability(Durability durability) override {
    return run(durability == Durability::deferred ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL")
        .has_value();
  }
  int changes() const override { return sqlite3_changes(m_db); }
  std::int64_t total_changes() const override { return sqlite3_total_changes64(m_db); }
  std::int64_t database_change_count() override {
    // A dashboard's stream and the scheduler ask every tick: the statement comes from the cache,
    // and giving it back resets it, which ends its read.
    SqliteStatement statement(m_db, "PRAGMA data_version", *m_statements);
    auto row = statement.step();
    std::optional<std::int64_t> version;
    if (row && *row) version = statement.integer(0);
    return total_changes() + m_foreign.observe(0, version);
  }
  const std::string& wal_path() const override { return m_wal_path; }
  bool define_callback(const std::string& name, TextPairCallback on_call) override {
    // SQLite keeps the pointer: the callback lives as long as the connection (destroyed with it).
    auto* callback = new TextPairCallback(std::move(on_call));
    const int rc = sqlite3_create_function_v2(
        m_db, name.c_str(), 2, SQLITE_UTF8, callback, call_text_pair, nullptr, nullptr,
        [](void* p) { delete static_cast<TextPairCallback*>(p); });
    return rc == SQLITE_OK;
  }

 private:
  // One statement that returns no rows, prepared once and kept.
  Result<void> run(std::string_view sql) {
    SqliteStatement statement(m_db, sql, *m_statements);
    while (true) {
      BERTH_ASSIGN(const bool row, statement.step());
      if (!row) return {};
    }
  }

  static void call_text_pair(sqlite3_context* context, int argc, sqlite3_value** argv) {
    const auto text = [&](int i) {
      const auto* bytes = reinterpret_cast<const char*>(sqlite3_value_text(argv[i]));
      return bytes ? std::string_view(bytes, static_cast<std::size_t>(sqlite3_value_bytes(argv[i])))
                   : std::string_view();
    };
    if (argc == 2) (*static_cast<TextPairCallback*>(sqlite3_user_data(context)))(text(0), text(1));
    sqlite3_result_null(context);
  }

  sqlite3* m_db;
  std::string m_wal_path;  // "<path>-wal"; empty for ":memory:"
  std::unique_ptr<StatementCache> m_statements = std::make_unique<StatementCache>(k_kept_statements);
  DataVersionWatch m_foreign;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  auto connection = std::make_unique<SqliteConnection>(raw, path == ":memory:" ? "" : path + "-wal");
  if (rc != SQLITE_OK) {
    return fail(Code::server, "cannot open database " + path + ": " +
                                  (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  // The database holds access keys: owner only. SQLite gives -wal and -shm the mode of the main
  // file when it creates them; ones left by an older berth are tightened here too.
  if (path != ":memory:") {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string file = path + suffix;
      if (::chmod(file.c_str(), 0600) != 0 && errno != ENOENT) {
        return fail(Code::server, "cannot make " + file + " private (mode 0600): " + std::strerror(errno), errno);
      }
    }
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  // WAL + synchronous=FULL: a commit is durable once sqlite3_step returns, and a power cut never
  // corrupts the file. A page cache of 256 KiB, not SQLite's 2 MiB: the file's pages stay in the
  // kernel's page cache anyway (a miss costs a pread), and the larger cache was berth's memory
  // growing with its task history (anonymous memory still rising after 60 starts; flat at 2.9 MiB
  // from the 40th with this one).
  auto ok = connection->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-256;");
  if (!ok) return std::unexpected(ok.error().wrap("configure database " + path));
  return connection;
}

}  // namespace berth::store
