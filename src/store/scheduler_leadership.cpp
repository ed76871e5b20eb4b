// The scheduler leadership's row (migration 16): its reads and version-checked writes, and the
// fence a scheduler's write checks in its own transaction. Each write is read, compared and
// written in one transaction that holds the write lock from its start (BEGIN IMMEDIATE, on the
// SQLite file and on the replicated store's leader alike), so two candidates' acquisitions, or
// an acquisition and a release, are ordered: the later one sees the row the earlier one wrote.
#include "store/store.hpp"

namespace berth::store {
namespace {

Result<Leadership> read_leadership(Db& db) {
  Stmt stmt(db, "SELECT term, holder FROM scheduler_leadership WHERE id = 1");
  BERTH_ASSIGN(bool found, stmt.step());
  // Migration 16 inserts the row and nothing deletes it.
  if (!found) return fail(Code::server, "the scheduler leadership record is missing");
  return Leadership{stmt.integer(0), stmt.text(1)};
}

Result<void> write_leadership(Db& db, const Leadership& row) {
  Stmt stmt(db, "UPDATE scheduler_leadership SET term = ?1, holder = ?2 WHERE id = 1");
  return stmt.bind(1, row.term).bind(2, row.holder).run();
}

}  // namespace

Result<Leadership> Store::leadership() {
  MutexLock lock(m_mutex);
  return read_leadership(m_db);
}

Result<std::optional<Leadership>> Store::acquire_leadership(const std::string& holder, const Leadership& seen) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(const auto current, read_leadership(m_db));
  if (current != seen) return std::optional<Leadership>();  // renewed, released or taken meanwhile
  const Leadership next{current.term + 1, holder};
  BERTH_TRY(write_leadership(m_db, next));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("acquire the scheduler leadership"));
  return std::optional<Leadership>(next);
}

Result<bool> Store::release_leadership(const std::string& holder, std::int64_t term) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_ASSIGN(auto current, read_leadership(m_db));
  if (current.term != term || current.holder != holder) return false;
  current.holder.clear();
  BERTH_TRY(write_leadership(m_db, current));
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("release the scheduler leadership"));
  return true;
}

Result<void> Store::require_term_locked(std::optional<std::int64_t> term) {
  if (!term) return {};
  BERTH_ASSIGN(const auto current, read_leadership(m_db));
  if (current.term == *term) return {};
  return fail(Code::server, "The scheduler leadership moved: this server's schedulers act under term " +
                                std::to_string(*term) + " but the current term is " + std::to_string(current.term) +
                                (current.holder.empty() ? std::string(" (held by nobody)")
                                                        : " (held by " + current.holder + ")") +
                                "; nothing was written.");
}

}  // namespace berth::store
