#include "store/db.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <sqlite3.h>

#include <utility>

namespace berth::store {
namespace {

Result<void> sqlite_error(sqlite3* db, std::string_view what) {
  return fail(Code::server, std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

Result<Db> Db::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  Db db(raw, path == ":memory:" ? "" : path + "-wal");
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
  auto ok = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-256;");
  if (!ok) return std::unexpected(ok.error().wrap("configure database " + path));
  return db;
}

Db::Db(Db&& other) noexcept : m_db(std::exchange(other.m_db, nullptr)), m_wal_path(std::move(other.m_wal_path)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    if (m_db) sqlite3_close_v2(m_db);
    m_db = std::exchange(other.m_db, nullptr);
    m_wal_path = std::move(other.m_wal_path);
  }
  return *this;
}

Result<void> sync_wal(const std::string& wal_path) {
  if (wal_path.empty()) return {};
  // fsync is per file, not per descriptor: this one flushes what SQLite wrote through its own.
  const int fd = ::open(wal_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};  // no log: every commit is in the database file, synced
    return fail(Code::server, "open " + wal_path + ": " + std::strerror(errno), errno);
  }
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) return fail(Code::server, "fsync " + wal_path + ": " + std::strerror(error), error);
  return {};
}

Db::~Db() {
  if (m_db) sqlite3_close_v2(m_db);
}

Result<void> Db::exec(std::string_view sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(m_db, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return fail(Code::server, "sqlite: " + text);
  }
  return {};
}

std::string Db::last_error() const { return sqlite3_errmsg(m_db); }
int Db::changes() const { return sqlite3_changes(m_db); }

Stmt::Stmt(Db& db, std::string_view sql) : m_db(db) {
  const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &m_stmt,
                                    nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "prepare failed: " + db.last_error() + " in: " + std::string(sql);
    check_failed(message.c_str(), __FILE__, __LINE__);
  }
}

Stmt::~Stmt() { sqlite3_finalize(m_stmt); }

Stmt& Stmt::bind(int index, std::string_view text) {
  sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(m_stmt, index, value);
  return *this;
}

Stmt& Stmt::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind_null(index);
}

Stmt& Stmt::bind_null(int index) {
  sqlite3_bind_null(m_stmt, index);
  return *this;
}

Result<bool> Stmt::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(sqlite_error(m_db.handle(), "sqlite step").error());
}

Result<void> Stmt::run() {
  auto stepped = step();
  if (!stepped) return std::unexpected(stepped.error());
  return {};
}

std::string Stmt::text(int column) const {
  const auto* p = sqlite3_column_text(m_stmt, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)))
           : std::string();
}

std::int64_t Stmt::integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
bool Stmt::is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

SyncScope::SyncScope(Db& db, Durability durability) : m_db(db), m_deferred(durability == Durability::deferred) {
  if (m_deferred) m_deferred = m_db.exec("PRAGMA synchronous=NORMAL").has_value();
}

SyncScope::~SyncScope() {
  // A connection left at NORMAL would defer every later commit, the API's acknowledged ones too:
  // worse than stopping here. Setting it touches no file and takes no lock, so it cannot fail.
  if (m_deferred) BERTH_CHECK(m_db.exec("PRAGMA synchronous=FULL").has_value());
}

Tx::Tx(Db& db) : m_db(db), m_begun(db.exec("BEGIN IMMEDIATE")) {}

Tx::~Tx() {
  if (m_begun && !m_done) {
    auto ignored = m_db.exec("ROLLBACK");
    (void)ignored;
  }
}

Result<void> Tx::commit() {
  auto ok = m_db.exec("COMMIT");
  if (ok) m_done = true;
  return ok;
}

}  // namespace berth::store
