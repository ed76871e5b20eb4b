// Prepared SQLite statements kept for the next use of the same SQL text on one connection.
// Preparing parses and plans the statement each time; the store runs the same few dozen
// statements over and over (42 prepares around one RunTask and its start, none with this), so a
// statement is reset and kept when its user is done with it instead of finalized. Bounded: past
// `capacity` idle statements the least recently used is finalized. A statement in use is not in
// the cache, so two live users of the same text get two statements. Not thread-safe: the
// connection's user serialises access, as for the connection itself.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace berth::store {

class StatementCache {
 public:
  explicit StatementCache(std::size_t capacity) : m_capacity(capacity) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  // Finalizes every idle statement: the connection must outlive the cache's statements.
  ~StatementCache();

  // An idle statement prepared from exactly `sql`, taken out of the cache (nullptr if none).
  sqlite3_stmt* take(std::string_view sql);
  // Takes back `statement`, prepared from `sql`, once its user is done: reset (its read ends, the
  // next step starts over), its bindings cleared, kept as the most recently used. Finalized
  // instead when an idle one of the same text is already kept.
  void give_back(std::string sql, sqlite3_stmt* statement);

  std::size_t idle_count() const { return m_idle.size(); }

 private:
  using Entries = std::list<std::pair<std::string, sqlite3_stmt*>>;  // most recently used first
  std::size_t m_capacity;
  Entries m_idle;
  std::unordered_map<std::string_view, Entries::iterator> m_by_sql;  // views into m_idle's keys
};

}  // namespace berth::store
