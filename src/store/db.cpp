#include "store/db.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/sqlite_connection.hpp"

namespace berth::store {

Result<Db> Db::open(const std::string& path) {
  BERTH_ASSIGN(auto connection, open_sqlite(path));
  return Db(std::move(connection));
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

Stmt& Stmt::bind(int index, std::string_view text) {
  m_statement->bind(index, text);
  return *this;
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  m_statement->bind(index, value);
  return *this;
}

Stmt& Stmt::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind_null(index);
}

Stmt& Stmt::bind_null(int index) {
  m_statement->bind_null(index);
  return *this;
}

Result<bool> Stmt::step() { return m_statement->step(); }

Result<void> Stmt::run() {
  auto stepped = step();
  if (!stepped) return std::unexpected(stepped.error());
  return {};
}

SyncScope::SyncScope(Db& db, Durability durability) : m_db(db), m_deferred(durability == Durability::deferred) {
  if (m_deferred) m_deferred = m_db.connection().set_durability(Durability::deferred);
}

SyncScope::~SyncScope() {
  // A connection left at NORMAL would defer every later commit, the API's acknowledged ones too:
  // worse than stopping here. Setting it touches no file and takes no lock, so it cannot fail.
  if (m_deferred) BERTH_CHECK(m_db.connection().set_durability(Durability::full));
}

Tx::Tx(Db& db) : m_db(db), m_begun(db.connection().begin()) {}

Tx::~Tx() {
  if (m_begun && !m_done) {
    auto ignored = m_db.connection().rollback();
    (void)ignored;
  }
}

Result<void> Tx::commit() {
  auto ok = m_db.connection().commit();
  if (ok) m_done = true;
  return ok;
}

}  // namespace berth::store
