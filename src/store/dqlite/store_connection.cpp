#include "store/dqlite/store_connection.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "common/numbers.hpp"

namespace berth::store::dqlite {
namespace {

// SQLite's primary result code for "the database is locked" by another writer.
constexpr std::uint64_t k_busy = 5;

// What a request says when no server answers as the leader: the reason a server in a minority
// (or whose peers are down) refuses requests, which the API answers as a ServerException.
constexpr std::string_view k_no_majority = "this server cannot reach a majority of the control plane";

// The keywords of `sql` in order, upper-cased, skipping quoted text, quoted names and comments.
std::vector<std::string> keywords(std::string_view sql) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      const auto end = sql.find(close, i + 1);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(i, 2) == "--") {
      const auto end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.substr(i, 2) == "/*") {
      const auto end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::string word;
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) {
        word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
      }
      out.push_back(std::move(word));
    } else {
      ++i;
    }
  }
  return out;
}

bool has(const std::vector<std::string>& words, std::string_view word) {
  return std::ranges::find(words, word) != words.end();
}

bool writes(const std::vector<std::string>& words) {
  return has(words, "INSERT") || has(words, "UPDATE") || has(words, "DELETE") || has(words, "REPLACE");
}

// Whether a statement of `words` (its keywords) is sent as a query: its first keyword reads.
bool reads(const std::vector<std::string>& words, std::string_view sql) {
  if (words.empty()) return false;
  const auto& first = words.front();
  if (first == "SELECT" || first == "VALUES" || first == "EXPLAIN") return true;
  if (first == "PRAGMA") return sql.find('=') == std::string_view::npos;
  if (first == "WITH") return !writes(words);
  return false;
}

std::string value_text(const Value& value) {
  struct {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.15g", v);  // SQLite's own rendering of a REAL
      return buffer;
    }
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(const Blob& v) const { return v.bytes; }
    std::string operator()(bool v) const { return v ? "1" : "0"; }
  } visit;
  return std::visit(visit, value);
}

std::int64_t value_integer(const Value& value) {
  if (const auto* v = std::get_if<std::int64_t>(&value)) return *v;
  if (const auto* v = std::get_if<bool>(&value)) return *v ? 1 : 0;
  if (const auto* v = std::get_if<double>(&value)) return static_cast<std::int64_t>(*v);
  // Text holding a number reads as it (SQLite's conversion); anything else as 0, as SQLite does.
  if (const auto* v = std::get_if<std::string>(&value)) return parse_integer<std::int64_t>(*v).value_or(0);
  return 0;
}

class ReplicatedConnection;

class ReplicatedStatement final : public store::Statement {
 public:
  ReplicatedStatement(ReplicatedConnection& connection, std::string_view sql) : m_connection(connection), m_sql(sql) {}

  void bind(int index, std::string_view text) override { slot(index) = std::string(text); }
  void bind(int index, std::int64_t value) override { slot(index) = value; }
  void bind_null(int index) override { slot(index) = std::monostate{}; }
  Result<bool> step() override;
  std::string text(int column) const override { return value_text(cell(column)); }
  std::int64_t integer(int column) const override { return value_integer(cell(column)); }
  bool is_null(int column) const override { return std::holds_alternative<std::monostate>(cell(column)); }

 private:
  Value& slot(int index) {
    BERTH_CHECK(index >= 1);
    const auto at = static_cast<std::size_t>(index);
    if (m_params.size() < at) m_params.resize(at);
    return m_params[at - 1];
  }
  const Value& cell(int column) const {
    static const Value null;
    if (!m_row || column < 0 || static_cast<std::size_t>(column) >= m_rows.rows[*m_row].size()) return null;
    return m_rows.rows[*m_row][static_cast<std::size_t>(column)];
  }

  ReplicatedConnection& m_connection;
  std::string m_sql;
  std::vector<Value> m_params;
  bool m_ran = false;
  Rows m_rows;
  std::optional<std::size_t> m_row;  // the current row of m_rows
};

class ReplicatedConnection final : public store::Connection {
 public:
  explicit ReplicatedConnection(StoreOptions options) : m_options(std::move(options)) {}

  Result<void> exec(std::string_view sql) override {
    BERTH_ASSIGN(const auto result, request([&](dqlite::Connection& link) { return link.exec(sql); }));
    if (writes(keywords(sql))) count(result);
    return {};
  }
  std::unique_ptr<store::Statement> prepare(std::string_view sql) override {
    return std::make_unique<ReplicatedStatement>(*this, sql);
  }

  Result<void> begin() override {
    // Sent again on a new connection if the old one broke: the transaction it starts ran nowhere.
    BERTH_TRY(request([](dqlite::Connection& link) { return link.exec("BEGIN IMMEDIATE"); }, Resend::safe));
    m_in_transaction = true;
    return {};
  }
  Result<void> commit() override {
    auto committed = request([](dqlite::Connection& link) { return link.exec("COMMIT"); });
    // Committed, or the connection (and so the transaction) is gone; a COMMIT refused on a live
    // connection leaves the transaction open for the caller's ROLLBACK, as SQLite does.
    if (committed || !m_link) m_in_transaction = false;
    if (!committed) return std::unexpected(committed.error().wrap("commit on the replicated store"));
    return {};
  }
  Result<void> rollback() override {
    if (!m_link) {  // the leader ended the transaction with the connection
      m_in_transaction = false;
      return {};
    }
    auto rolled_back = request([](dqlite::Connection& link) { return link.exec("ROLLBACK"); });
    m_in_transaction = false;
    if (!rolled_back) return std::unexpected(rolled_back.error());
    return {};
  }
  bool set_durability(Durability) override { return false; }
  int changes() const override { return m_changes; }
  std::int64_t total_changes() const override { return m_total_changes; }
  std::int64_t database_change_count() override {
    // The leader runs it on its connection for this one, which sees the other servers' commits.
    // connect() numbers the connections: a new one's data_version is not comparable.
    auto rows = query("PRAGMA data_version", {});
    std::optional<std::int64_t> version;
    if (rows && !rows->rows.empty() && !rows->rows.front().empty()) version = value_integer(rows->rows.front().front());
    return m_total_changes + m_foreign.observe(m_connections, version);
  }
  const std::string& wal_path() const override { return m_no_wal; }
  bool define_callback(const std::string&, TextPairCallback) override { return false; }

  // Runs a statement's write or query (ReplicatedStatement::step).
  Result<void> write(std::string_view sql, std::span<const Value> params) {
    BERTH_ASSIGN(const auto result, request([&](dqlite::Connection& link) { return link.exec(sql, params); }));
    count(result);
    return {};
  }
  Result<Rows> query(std::string_view sql, std::span<const Value> params) {
    return request([&](dqlite::Connection& link) { return link.query(sql, params); }, Resend::safe);
  }

  Result<void> connect() {
    auto link = connect_to_leader(m_options.addresses, m_options.client);
    if (!link) return std::unexpected(link.error().wrap(k_no_majority));
    BERTH_TRY(link->open(m_options.database));
    // Per connection, as on the SQLite file: the schema's ON DELETE CASCADE relies on it.
    BERTH_TRY(link->exec("PRAGMA foreign_keys=ON"));
    m_link = std::move(*link);
    ++m_connections;
    return {};
  }

 private:
  // Whether a request may be sent again on a new connection when its connection broke with no
  // answer: a query or BEGIN may (it changed nothing), a write may not (it may have committed).
  enum class Resend { safe, unsafe };

  // Sends one request (send_once). Outside a transaction, while the leader answers "busy" (another
  // connection holds the write lock; nothing ran), sends it again for up to busy_timeout, as
  // SQLite's busy timeout waits on a file: BEGIN IMMEDIATE and a write on its own wait their turn.
  // Outside a transaction it is also sent once more, to the leader found again, when the node
  // answered that it does not lead (nothing ran) or, for a `safe` request, when the connection
  // broke (the leader failed or moved): the request then fails only when no leader answers.
  template <class Send>
  auto request(Send send, Resend resend = Resend::unsafe) -> decltype(send(std::declval<dqlite::Connection&>())) {
    const auto deadline = std::chrono::steady_clock::now() + m_options.busy_timeout;
    auto pause = std::chrono::milliseconds(1);
    bool resent = false;
    while (true) {
      const bool in_transaction = m_in_transaction;
      auto result = send_once(send);
      if (!result && !in_transaction && !resent && !m_link && m_dropped != Dropped::no) {
        if (m_dropped == Dropped::not_leader || resend == Resend::safe) {
          resent = true;
          continue;
        }
      }
      const bool busy = !result && !m_in_transaction && m_link && m_link->last_failure() &&
                        (m_link->last_failure()->code & 0xff) == k_busy;
      if (!busy || std::chrono::steady_clock::now() + pause > deadline) return result;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
  }
  // Sends one request on the connection to the leader, connecting first when there is none and
  // no transaction was under way on the one that broke. A connection that broke, or whose node
  // no longer leads, is dropped, so the next call outside a transaction finds the leader again.
  template <class Send>
  auto send_once(Send& send) -> decltype(send(std::declval<dqlite::Connection&>())) {
    m_dropped = Dropped::no;
    if (!m_link) {
      if (m_in_transaction) {
        return fail(Code::server, "replicated store: the connection to the leader broke during the transaction; "
                                  "it was not committed");
      }
      BERTH_TRY(connect());
    }
    auto result = send(*m_link);
    if (!result) {
      const bool not_leader = m_link->last_failure() && m_link->last_failure()->not_leader();
      if (!m_link->is_open() || not_leader) {
        m_dropped = not_leader ? Dropped::not_leader : Dropped::broke;
        m_link.reset();
        return std::unexpected(result.error().wrap(not_leader ? "the control plane's leader moved"
                                                              : "the connection to the control plane's leader broke "
                                                                "(it failed, or this server cannot reach a majority)"));
      }
    }
    return result;
  }
  void count(const ExecResult& result) {
    m_changes = static_cast<int>(result.rows_affected);
    m_total_changes += static_cast<std::int64_t>(result.rows_affected);
  }

  // Why the last request dropped its connection, if it did (send_once).
  enum class Dropped { no, not_leader, broke };

  StoreOptions m_options;
  std::optional<dqlite::Connection> m_link;
  Dropped m_dropped = Dropped::no;
  bool m_in_transaction = false;
  int m_changes = 0;
  std::int64_t m_total_changes = 0;
  std::uint64_t m_connections = 0;  // connections opened so far: the current one's number
  DataVersionWatch m_foreign;
  const std::string m_no_wal;
};

Result<bool> ReplicatedStatement::step() {
  if (!m_ran) {
    m_row.reset();
    const auto words = keywords(m_sql);
    if (!reads(words, m_sql)) {
      if (has(words, "RETURNING")) {
        return fail(Code::server, "replicated store: a write with RETURNING would lose its rows: " + m_sql);
      }
      // A later step runs it again, as SQLite's does.
      BERTH_TRY(m_connection.write(m_sql, m_params));
      return false;
    }
    BERTH_ASSIGN(m_rows, m_connection.query(m_sql, m_params));
    m_ran = true;
  }
  const std::size_t next = m_row ? *m_row + 1 : 0;
  if (next >= m_rows.rows.size()) {
    // Stepped past the end: SQLite runs the statement again on the next step.
    m_ran = false;
    m_row.reset();
    return false;
  }
  m_row = next;
  return true;
}

}  // namespace

bool returns_rows(std::string_view sql) { return reads(keywords(sql), sql); }

Result<store::Db> open_replicated_db(const StoreOptions& options) {
  if (options.addresses.empty()) return fail(Code::invalid_parameter, "replicated store: no server addresses");
  auto connection = std::make_unique<ReplicatedConnection>(options);
  BERTH_TRY(connection->connect());
  return store::Db(std::move(connection));
}

}  // namespace berth::store::dqlite
