// dqlite's wire protocol (version 1, as dqlite 1.11 speaks it): message framing, the encoding of
// requests and the bounded decoding of responses. Pure functions over bytes; no I/O; thread-compatible.
// A message is one 8-byte header (body size in 8-byte words, little endian; type; schema) and a
// body of 8-byte-aligned fields: u64/u32 little endian, text NUL-terminated and zero-padded,
// tuples of typed values (https://canonical.com/dqlite/docs/reference/wire-protocol).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.hpp"

namespace berth::store::dqlite {

inline constexpr std::uint64_t k_protocol_version = 1;
inline constexpr std::size_t k_header_bytes = 8;
// SQLite's extended code for "this node is not the leader" (SQLITE_IOERR | 40 << 8), which dqlite
// answers to a write or a read sent to a follower.
inline constexpr std::uint64_t k_not_leader_code = 10250;

enum class RequestType : std::uint8_t {
  leader = 0,
  client = 1,
  open = 3,
  exec_sql = 8,
  query_sql = 9,
  add = 12,
  assign = 13,
  remove = 14,
  dump = 15,
  cluster = 16,
};

enum class ResponseType : std::uint8_t {
  failure = 0,
  server = 1,
  welcome = 2,
  servers = 3,
  db = 4,
  result = 6,
  rows = 7,
  empty = 8,
  files = 9,
};

// A node's role in the Raft configuration (dqlite's codes).
enum class Role : std::uint64_t { voter = 0, standby = 1, spare = 2 };

struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

// One SQL value as dqlite types it: NULL, INTEGER (and UNIXTIME columns), FLOAT, TEXT (and ISO8601
// columns), BLOB, and BOOLEAN for columns declared BOOLEAN.
using Value = std::variant<std::monostate, std::int64_t, double, std::string, Blob, bool>;

struct Header {
  std::size_t body_bytes = 0;
  std::uint8_t type = 0;
};

// Returns the header of a message, refusing (ServerException) a body over `max_body_bytes`, so a
// length on the wire never sizes an allocation beyond what the caller allows.
[[nodiscard]] Result<Header> parse_header(std::span<const std::uint8_t, k_header_bytes> bytes, std::size_t max_body_bytes);

// Builds one request message: append the fields in order, then take the framed bytes.
class RequestWriter {
 public:
  explicit RequestWriter(RequestType type) : m_type(type) {}
  RequestWriter& u64(std::uint64_t value);
  RequestWriter& text(std::string_view value);  // text with a NUL inside is refused at framed()
  // A tuple of parameters: a count byte, one type byte each, padding, then the values. At most 255.
  RequestWriter& params(std::span<const Value> values);
  // Returns the header and body; InvalidParameterException for text with a NUL or over 255 params.
  [[nodiscard]] Result<std::string> framed() const;

 private:
  void pad();
  RequestType m_type;
  std::string m_body;
  std::string m_invalid;  // why the request cannot be sent, if it cannot
};

// Reads a response body field by field; every read checks what remains and fails (ServerException,
// "malformed dqlite response") rather than read past the body.
class BodyReader {
 public:
  explicit BodyReader(std::span<const std::uint8_t> body) : m_body(body) {}
  [[nodiscard]] Result<std::uint64_t> u64();
  [[nodiscard]] Result<std::uint64_t> peek_u64() const;
  [[nodiscard]] Result<std::uint32_t> u32();
  [[nodiscard]] Result<std::string> text();
  // `n` raw bytes followed by padding to a word.
  [[nodiscard]] Result<std::string> padded_bytes(std::uint64_t n);
  std::size_t remaining() const { return m_body.size() - m_pos; }

 private:
  std::span<const std::uint8_t> m_body;
  std::size_t m_pos = 0;
};

// A query's result: column names and typed rows.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

// Whether a ROWS body ended the result set or dqlite will send another ROWS message.
enum class RowsEnd { done, more };

// Appends the rows of one ROWS body to `rows` (its columns are set from the first body and must
// match in the next ones). Refuses more than `max_columns` columns. ServerException when malformed.
[[nodiscard]] Result<RowsEnd> decode_rows(BodyReader& body, Rows& rows, std::size_t max_columns = 2000);

}  // namespace berth::store::dqlite
