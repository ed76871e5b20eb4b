// Join tokens: created on the serving gateway, spent once by a joining node in the transaction
// that registers it and stores its key.
#include "store/store.hpp"

namespace berth::store {
namespace {

constexpr const char* k_token_columns = "hash, cluster, created_at, expires_at, used_at, instance_id";

model::JoinToken read_join_token(const Stmt& stmt) {
  model::JoinToken token{stmt.text(0), stmt.text(1), stmt.integer(2), stmt.integer(3), std::nullopt, stmt.text(5)};
  if (!stmt.is_null(4)) token.used_at = stmt.integer(4);
  return token;
}

}  // namespace

Result<void> Store::create_join_token(const model::JoinToken& token, std::size_t max_live, EpochMs now) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  BERTH_TRY(require_active_cluster_locked(token.cluster));
  // Expired tokens (used or not) answer nothing anyone needs: they go here, so the table stays
  // bounded by the live ones.
  Stmt expired(m_db, "DELETE FROM join_tokens WHERE expires_at <= ?1");
  BERTH_TRY(expired.bind(1, now).run());
  Stmt count(m_db, "SELECT count(*) FROM join_tokens");
  BERTH_TRY(count.step());
  if (static_cast<std::size_t>(count.integer(0)) >= max_live) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(max_live) +
                                          " unexpired join tokens; wait for some to expire or use them.");
  }
  Stmt insert(m_db, std::string("INSERT INTO join_tokens(") + k_token_columns + ") VALUES(?1, ?2, ?3, ?4, NULL, '')");
  BERTH_TRY(insert.bind(1, token.hash).bind(2, token.cluster).bind(3, token.created_at).bind(4, token.expires_at).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("create join token"));
  return {};
}

Result<Store::JoinOutcome> Store::join_with_token(const std::string& hash, EpochMs now, const std::string& instance_id,
                                                  const InstanceChange& change, const std::vector<model::Tag>& tags,
                                                  const KeyMaker& make_key, std::size_t max_keys) {
  MutexLock lock(m_mutex);
  Tx tx(m_db);
  BERTH_TRY(tx.begun());
  Stmt stmt(m_db, std::string("SELECT ") + k_token_columns + " FROM join_tokens WHERE hash = ?1");
  stmt.bind(1, hash);
  BERTH_ASSIGN(bool row, stmt.step());
  JoinOutcome outcome;
  if (!row) return outcome;  // unknown; the transaction rolls back, nothing was written
  outcome.token = read_join_token(stmt);
  if (outcome.token.used_at) {
    outcome.state = JoinTokenState::used;
    return outcome;
  }
  if (outcome.token.expires_at <= now) {
    outcome.state = JoinTokenState::expired;
    return outcome;
  }
  BERTH_ASSIGN(outcome.instance,
               update_instance_locked(outcome.token.cluster, instance_id, change, IfMissing::create, tags));
  BERTH_ASSIGN(const auto key, make_key(outcome.token.cluster));
  BERTH_TRY(create_access_key_locked(key, max_keys));
  Stmt spend(m_db, "UPDATE join_tokens SET used_at = ?2, instance_id = ?3 WHERE hash = ?1");
  BERTH_TRY(spend.bind(1, hash).bind(2, now).bind(3, instance_id).run());
  if (auto ok = tx.commit(); !ok) return std::unexpected(ok.error().wrap("join cluster"));
  outcome.state = JoinTokenState::valid;
  outcome.token.used_at = now;
  outcome.token.instance_id = instance_id;
  return outcome;
}

}  // namespace berth::store
