#include "store/statement_cache.hpp"

namespace berth::store {

StatementCache::~StatementCache() {
  for (auto& [sql, statement] : m_idle) sqlite3_finalize(statement);
}

sqlite3_stmt* StatementCache::take(std::string_view sql) {
  const auto found = m_by_sql.find(sql);
  if (found == m_by_sql.end()) return nullptr;
  sqlite3_stmt* statement = found->second->second;
  const Entries::iterator entry = found->second;
  m_by_sql.erase(found);
  m_idle.erase(entry);
  return statement;
}

void StatementCache::give_back(std::string sql, sqlite3_stmt* statement) {
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  if (m_by_sql.contains(sql)) {
    sqlite3_finalize(statement);
    return;
  }
  m_idle.emplace_front(std::move(sql), statement);
  m_by_sql.emplace(m_idle.front().first, m_idle.begin());
  if (m_idle.size() > m_capacity) {
    auto& [oldest_sql, oldest] = m_idle.back();
    m_by_sql.erase(oldest_sql);
    sqlite3_finalize(oldest);
    m_idle.pop_back();
  }
}

}  // namespace berth::store
