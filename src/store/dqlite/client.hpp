// A client of dqlite's wire protocol over TCP: handshake, finding the leader, opening a database,
// running statements and queries with typed rows, and the cluster's membership requests. One
// Connection is one socket with one request in flight at a time: not thread-safe (one owner).
// Every read is bounded (ClientOptions): a length on the wire never sizes an allocation past them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/dqlite/wire.hpp"

namespace berth::store::dqlite {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  // A request's round trip, including the Raft commit of a write.
  std::chrono::milliseconds io_timeout{10000};
  // The largest response message accepted (a query's rows come in messages of about 4 KiB; a dump
  // is one message holding the whole database).
  std::size_t max_message_bytes = 16u << 20;
  // The largest result a query may return, over all its messages.
  std::size_t max_result_bytes = 64u << 20;
};

struct NodeInfo {
  std::uint64_t id = 0;
  std::string address;  // "ip:port"; empty when the node knows no leader
  Role role = Role::voter;
};

struct ExecResult {
  std::uint64_t last_insert_id = 0;
  std::uint64_t rows_affected = 0;
};

struct DumpedFile {
  std::string name;
  std::string content;
};

// What the server answered to the last failed request: SQLite's (extended) code and its message,
// and for a node that is not the leader, the leader's address as that node knows it.
struct Failure {
  std::uint64_t code = 0;
  std::string message;
  std::string leader_address;
  bool not_leader() const { return code == k_not_leader_code; }
};

class Connection {
 public:
  // Connects to `address` ("ip:port"), sends the protocol version and registers as a client
  // (CLIENT, answered WELCOME). ServerException when the node is unreachable or answers otherwise.
  [[nodiscard]] static Result<Connection> connect(std::string_view address, const ClientOptions& options = {});

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  const std::string& address() const { return m_address; }
  // False once the stream broke (a send or read failed, a response was malformed or too large):
  // the connection serves no more requests.
  bool is_open() const { return m_fd >= 0; }

  // The leader as this node knows it (address empty when it knows none).
  [[nodiscard]] Result<NodeInfo> leader();
  // Opens (creating on first write) the replicated database `name` for this connection's requests.
  [[nodiscard]] Result<void> open(std::string_view name);
  // Runs one or more statements (`params` bind the first); answered once committed by a majority.
  [[nodiscard]] Result<ExecResult> exec(std::string_view sql, std::span<const Value> params = {});
  // Runs one query on the leader, after a Raft barrier (so it sees every committed write).
  [[nodiscard]] Result<Rows> query(std::string_view sql, std::span<const Value> params = {});
  // Membership (sent to the leader): add a node as a spare, give it a role, remove it, list all.
  [[nodiscard]] Result<void> add(std::uint64_t id, std::string_view address);
  [[nodiscard]] Result<void> assign(std::uint64_t id, Role role);
  [[nodiscard]] Result<void> remove(std::uint64_t id);
  [[nodiscard]] Result<std::vector<NodeInfo>> cluster();
  // The database and its WAL as this node holds them (any node, leader or not).
  [[nodiscard]] Result<std::vector<DumpedFile>> dump(std::string_view name);

  // The server's failure response to the last request, when that request failed with one.
  const std::optional<Failure>& last_failure() const { return m_last_failure; }

 private:
  Connection(int fd, std::string address, const ClientOptions& options)
      : m_fd(fd), m_address(std::move(address)), m_options(options) {}
  struct Message {
    std::uint8_t type = 0;
    std::vector<std::uint8_t> body;
  };
  // Sends one request and reads its first response; a FAILURE response becomes the error.
  [[nodiscard]] Result<Message> round_trip(const RequestWriter& request, ResponseType expected);
  [[nodiscard]] Result<Message> read_message();
  [[nodiscard]] Result<void> send(std::string_view bytes);
  [[nodiscard]] Result<void> expect_empty(const RequestWriter& request);
  // Returns the error for a FAILURE body, after asking this node for the leader when it is not it.
  [[nodiscard]] Error failure_error(const Message& message);
  void close();

  int m_fd = -1;
  std::string m_address;
  ClientOptions m_options;
  std::optional<Failure> m_last_failure;
  std::uint64_t m_db_id = 0;
};

// Returns a connection to the node that leads, asking each of `addresses` in turn who it is.
// ServerException naming each node's answer when none leads (no quorum, an election under way).
[[nodiscard]] Result<Connection> connect_to_leader(std::span<const std::string> addresses,
                                                   const ClientOptions& options = {});

}  // namespace berth::store::dqlite
