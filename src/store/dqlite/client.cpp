#include "store/dqlite/client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/numbers.hpp"

namespace berth::store::dqlite {

namespace {

// dqlite 1.11's Raft transport (libuv's uv_ip4_addr) takes IPv4 "a.b.c.d:port" only.
Result<sockaddr_in> parse_address(std::string_view address) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return fail(Code::invalid_parameter, "dqlite address '" + std::string(address) + "' is not ip:port");
  }
  const auto port = parse_integer_in<std::uint16_t>(address.substr(colon + 1), 1, 65535);
  sockaddr_in out{};
  out.sin_family = AF_INET;
  const std::string host(address.substr(0, colon));
  if (!port || ::inet_pton(AF_INET, host.c_str(), &out.sin_addr) != 1) {
    return fail(Code::invalid_parameter, "dqlite address '" + std::string(address) + "' is not IPv4 ip:port");
  }
  out.sin_port = htons(*port);
  return out;
}

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

// Connects with a deadline (a node that is down answers RST, one cut off answers nothing).
Result<int> connect_socket(std::string_view address, const ClientOptions& options) {
  BERTH_ASSIGN(const auto target, parse_address(address));
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return sys_fail("socket");
  auto give_up = [&](std::string what, int error) {
    ::close(fd);
    return fail(Code::server, "connect to dqlite node " + std::string(address) + ": " + what, error);
  };
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
    if (errno != EINPROGRESS) return give_up(std::strerror(errno), errno);
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(options.connect_timeout.count()));
    if (ready == 0) return give_up("timed out", ETIMEDOUT);
    if (ready < 0) return give_up(std::strerror(errno), errno);
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) return give_up(std::strerror(error), error);
  }
  // Blocking from here, each read and write bounded by the I/O timeout. A request is one small
  // write answered by one read: without NODELAY, Nagle would hold a request behind the last ACK.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const timeval tv = to_timeval(options.io_timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

// Returns the count of items that follow in `body`, each at least `min_bytes` long: a count past
// what the body can hold is malformed, never a size to reserve.
Result<std::uint64_t> item_count(BodyReader& body, std::size_t min_bytes, std::string_view what) {
  BERTH_ASSIGN(const auto count, body.u64());
  if (count > body.remaining() / min_bytes) {
    return fail(Code::server, "malformed dqlite response: " + std::string(what) + " count " + std::to_string(count));
  }
  return count;
}

}  // namespace

Result<Connection> Connection::connect(std::string_view address, const ClientOptions& options) {
  BERTH_ASSIGN(const int fd, connect_socket(address, options));
  Connection connection(fd, std::string(address), options);
  std::string version;
  for (int i = 0; i < 8; ++i) version.push_back(static_cast<char>((k_protocol_version >> (8 * i)) & 0xff));
  BERTH_TRY(connection.send(version));
  RequestWriter hello(RequestType::client);
  hello.u64(0);
  BERTH_TRY(connection.round_trip(hello, ResponseType::welcome));
  return connection;
}

Connection::Connection(Connection&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)),
      m_address(std::move(other.m_address)),
      m_options(other.m_options),
      m_last_failure(std::move(other.m_last_failure)),
      m_db_id(other.m_db_id) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    m_fd = std::exchange(other.m_fd, -1);
    m_address = std::move(other.m_address);
    m_options = other.m_options;
    m_last_failure = std::move(other.m_last_failure);
    m_db_id = other.m_db_id;
  }
  return *this;
}

Connection::~Connection() { close(); }

void Connection::close() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

Result<void> Connection::send(std::string_view bytes) {
  if (m_fd < 0) return fail(Code::server, "dqlite connection to " + m_address + " is closed");
  while (!bytes.empty()) {
    const ssize_t n = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      // Half a request may have gone: the stream is out of step, so it is not used again.
      close();
      return fail(Code::server, "send to dqlite node " + m_address + ": " + std::strerror(error), error);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<Connection::Message> Connection::read_message() {
  if (m_fd < 0) return fail(Code::server, "dqlite connection to " + m_address + " is closed");
  auto read_exactly = [&](std::uint8_t* out, std::size_t size) -> Result<void> {
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n = ::recv(m_fd, out + got, size - got, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int error = n == 0 ? ECONNRESET : errno;
        close();  // a partial message leaves the stream out of step
        const std::string why = n == 0 ? "connection closed" : (error == EAGAIN ? "timed out" : std::strerror(error));
        return fail(Code::server, "read from dqlite node " + m_address + ": " + why, error);
      }
      got += static_cast<std::size_t>(n);
    }
    return {};
  };
  std::array<std::uint8_t, k_header_bytes> header_bytes{};
  BERTH_TRY(read_exactly(header_bytes.data(), header_bytes.size()));
  auto header = parse_header(header_bytes, m_options.max_message_bytes);
  if (!header) {
    close();
    return std::unexpected(header.error().wrap("dqlite node " + m_address));
  }
  Message message{header->type, std::vector<std::uint8_t>(header->body_bytes)};
  BERTH_TRY(read_exactly(message.body.data(), message.body.size()));
  return message;
}

Error Connection::failure_error(const Message& message) {
  BodyReader body(message.body);
  Failure failure;
  auto code = body.u64();
  auto text = code ? body.text() : Result<std::string>(std::unexpected(code.error()));
  if (!text) return text.error().wrap("dqlite node " + m_address);
  failure.code = *code;
  failure.message = std::move(*text);
  std::string message_text = "dqlite node " + m_address + ": " + failure.message + " (code " + std::to_string(failure.code) + ")";
  if (failure.not_leader()) {
    // The caller needs to know where to go: ask this node whom it follows (LEADER never answers
    // "not leader", so this does not recurse).
    if (auto leader_info = leader()) failure.leader_address = std::move(leader_info->address);
    message_text += failure.leader_address.empty() ? "; no leader is known" : "; the leader is " + failure.leader_address;
  }
  m_last_failure = std::move(failure);
  return Error{Code::server, std::move(message_text)};
}

Result<Connection::Message> Connection::round_trip(const RequestWriter& request, ResponseType expected) {
  m_last_failure.reset();  // the answer to this request only, never an earlier one's
  BERTH_ASSIGN(const auto framed, request.framed());
  BERTH_TRY(send(framed));
  BERTH_ASSIGN(auto message, read_message());
  if (message.type == static_cast<std::uint8_t>(ResponseType::failure)) return std::unexpected(failure_error(message));
  if (message.type != static_cast<std::uint8_t>(expected)) {
    close();
    return fail(Code::server, "dqlite node " + m_address + " answered message type " + std::to_string(message.type) +
                                  ", expected " + std::to_string(static_cast<int>(expected)));
  }
  return message;
}

Result<void> Connection::expect_empty(const RequestWriter& request) {
  BERTH_TRY(round_trip(request, ResponseType::empty));
  return {};
}

Result<NodeInfo> Connection::leader() {
  RequestWriter request(RequestType::leader);
  request.u64(0);
  BERTH_ASSIGN(const auto message, round_trip(request, ResponseType::server));
  BodyReader body(message.body);
  NodeInfo info;
  BERTH_ASSIGN(info.id, body.u64());
  BERTH_ASSIGN(info.address, body.text());
  return info;
}

Result<void> Connection::open(std::string_view name) {
  RequestWriter request(RequestType::open);
  request.text(name).u64(0).text("");  // flags and VFS name: dqlite 1.11 uses its own
  BERTH_ASSIGN(const auto message, round_trip(request, ResponseType::db));
  BodyReader body(message.body);
  BERTH_ASSIGN(const auto id, body.u32());
  m_db_id = id;
  return {};
}

Result<ExecResult> Connection::exec(std::string_view sql, std::span<const Value> params) {
  RequestWriter request(RequestType::exec_sql);
  request.u64(m_db_id).text(sql).params(params);
  BERTH_ASSIGN(const auto message, round_trip(request, ResponseType::result));
  BodyReader body(message.body);
  ExecResult result;
  BERTH_ASSIGN(result.last_insert_id, body.u64());
  BERTH_ASSIGN(result.rows_affected, body.u64());
  return result;
}

Result<Rows> Connection::query(std::string_view sql, std::span<const Value> params) {
  RequestWriter request(RequestType::query_sql);
  request.u64(m_db_id).text(sql).params(params);
  BERTH_ASSIGN(auto message, round_trip(request, ResponseType::rows));
  Rows rows;
  std::size_t total = 0;
  while (true) {
    total += message.body.size();
    if (total > m_options.max_result_bytes) {
      // The rest of the result is still coming: the stream cannot be used for another request.
      close();
      return fail(Code::server, "dqlite query result over the limit of " + std::to_string(m_options.max_result_bytes) + " bytes");
    }
    BodyReader body(message.body);
    auto end = decode_rows(body, rows);
    if (!end) {
      close();
      return std::unexpected(end.error().wrap("dqlite node " + m_address));
    }
    if (*end == RowsEnd::done) return rows;
    // dqlite sends the next part unasked, as soon as the last one is written.
    BERTH_ASSIGN(message, read_message());
    if (message.type == static_cast<std::uint8_t>(ResponseType::failure)) return std::unexpected(failure_error(message));
    if (message.type != static_cast<std::uint8_t>(ResponseType::rows)) {
      close();
      return fail(Code::server, "dqlite node " + m_address + " broke off a result with message type " +
                                    std::to_string(message.type));
    }
  }
}

Result<void> Connection::add(std::uint64_t id, std::string_view address) {
  RequestWriter request(RequestType::add);
  request.u64(id).text(address);
  return expect_empty(request);
}

Result<void> Connection::assign(std::uint64_t id, Role role) {
  RequestWriter request(RequestType::assign);
  request.u64(id).u64(static_cast<std::uint64_t>(role));
  return expect_empty(request);
}

Result<void> Connection::remove(std::uint64_t id) {
  RequestWriter request(RequestType::remove);
  request.u64(id);
  return expect_empty(request);
}

Result<std::vector<NodeInfo>> Connection::cluster() {
  RequestWriter request(RequestType::cluster);
  request.u64(1);  // format 1: id, address and role
  BERTH_ASSIGN(const auto message, round_trip(request, ResponseType::servers));
  BodyReader body(message.body);
  BERTH_ASSIGN(const auto count, item_count(body, 24, "node"));  // id, address, role: three words at least
  std::vector<NodeInfo> nodes;
  for (std::uint64_t i = 0; i < count; ++i) {
    NodeInfo node;
    BERTH_ASSIGN(node.id, body.u64());
    BERTH_ASSIGN(node.address, body.text());
    BERTH_ASSIGN(const auto role, body.u64());
    if (role > static_cast<std::uint64_t>(Role::spare)) return fail(Code::server, "malformed dqlite response: role " + std::to_string(role));
    node.role = static_cast<Role>(role);
    nodes.push_back(std::move(node));
  }
  return nodes;
}

Result<std::vector<DumpedFile>> Connection::dump(std::string_view name) {
  RequestWriter request(RequestType::dump);
  request.text(name);
  BERTH_ASSIGN(const auto message, round_trip(request, ResponseType::files));
  BodyReader body(message.body);
  BERTH_ASSIGN(const auto count, item_count(body, 16, "file"));  // name and size: two words at least
  std::vector<DumpedFile> files;
  for (std::uint64_t i = 0; i < count; ++i) {
    DumpedFile file;
    BERTH_ASSIGN(file.name, body.text());
    BERTH_ASSIGN(const auto size, body.u64());
    BERTH_ASSIGN(file.content, body.padded_bytes(size));
    files.push_back(std::move(file));
  }
  return files;
}

Result<Connection> connect_to_leader(std::span<const std::string> addresses, const ClientOptions& options) {
  std::string answers;
  auto note = [&](const std::string& address, const std::string& what) {
    answers += (answers.empty() ? "" : "; ") + address + ": " + what;
  };
  for (const auto& address : addresses) {
    auto connection = Connection::connect(address, options);
    if (!connection) {
      note(address, connection.error().message);
      continue;
    }
    auto leader = connection->leader();
    if (!leader) {
      note(address, leader.error().message);
      continue;
    }
    if (leader->address.empty()) {
      note(address, "knows no leader");
      continue;
    }
    if (leader->address == address) return connection;
    auto direct = Connection::connect(leader->address, options);
    if (!direct) {
      note(address, "names leader " + leader->address + ", " + direct.error().message);
      continue;
    }
    // The named node may have lost the lead in between: only its own word counts.
    auto confirmed = direct->leader();
    if (confirmed && confirmed->address == leader->address) return direct;
    note(address, "named leader " + leader->address + ", which does not lead");
  }
  return fail(Code::server, "no dqlite leader among " + std::to_string(addresses.size()) + " node(s): " + answers);
}

}  // namespace berth::store::dqlite
