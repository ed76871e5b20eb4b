#include "store/dqlite/wire.hpp"

#include <bit>
#include <cstring>

namespace berth::store::dqlite {

namespace {

// dqlite's type codes in tuples (SQLite's fundamental types plus its own three).
constexpr std::uint8_t k_integer = 1, k_float = 2, k_text = 3, k_blob = 4, k_null = 5, k_unixtime = 9,
                       k_iso8601 = 10, k_boolean = 11;
// The word that ends a ROWS body: the result set is complete, or more follows in another message.
constexpr std::uint64_t k_rows_done = 0xffffffffffffffffULL;
constexpr std::uint64_t k_rows_part = 0xeeeeeeeeeeeeeeeeULL;

std::size_t padded(std::size_t n) { return (n + 7) / 8 * 8; }

void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t get_le(const std::uint8_t* p, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = value << 8 | p[i];
  return value;
}

std::unexpected<Error> malformed(std::string_view what) {
  return fail(Code::server, "malformed dqlite response: " + std::string(what));
}

std::uint8_t type_of(const Value& value) {
  switch (value.index()) {
    case 0: return k_null;
    case 1: return k_integer;
    case 2: return k_float;
    case 3: return k_text;
    case 4: return k_blob;
    default: return k_boolean;
  }
}

}  // namespace

Result<Header> parse_header(std::span<const std::uint8_t, k_header_bytes> bytes, std::size_t max_body_bytes) {
  const std::uint64_t words = get_le(bytes.data(), 4);
  // Checked: 2^32 words is 32 GiB, beyond size_t on the 32-bit armhf target.
  if (words > max_body_bytes / 8) {
    return fail(Code::server, "dqlite response of " + std::to_string(words) + " words is over the limit of " +
                                  std::to_string(max_body_bytes) + " bytes");
  }
  return Header{static_cast<std::size_t>(words) * 8, bytes[4]};
}

RequestWriter& RequestWriter::u64(std::uint64_t value) {
  put_le(m_body, value, 8);
  return *this;
}

void RequestWriter::pad() { m_body.resize(padded(m_body.size()), '\0'); }

RequestWriter& RequestWriter::text(std::string_view value) {
  if (value.find('\0') != std::string_view::npos) m_invalid = "text with a NUL byte cannot be sent to dqlite";
  m_body.append(value);
  m_body.push_back('\0');
  pad();
  return *this;
}

RequestWriter& RequestWriter::params(std::span<const Value> values) {
  if (values.size() > 255) {
    m_invalid = "dqlite takes at most 255 parameters per statement, not " + std::to_string(values.size());
    return *this;
  }
  m_body.push_back(static_cast<char>(values.size()));
  for (const auto& value : values) m_body.push_back(static_cast<char>(type_of(value)));
  pad();
  for (const auto& value : values) {
    switch (value.index()) {
      case 0: u64(0); break;
      case 1: u64(static_cast<std::uint64_t>(std::get<std::int64_t>(value))); break;
      case 2: u64(std::bit_cast<std::uint64_t>(std::get<double>(value))); break;
      case 3: text(std::get<std::string>(value)); break;
      case 4: {
        const auto& bytes = std::get<Blob>(value).bytes;
        u64(bytes.size());
        m_body.append(bytes);
        pad();
        break;
      }
      default: u64(std::get<bool>(value) ? 1 : 0); break;
    }
  }
  return *this;
}

Result<std::string> RequestWriter::framed() const {
  if (!m_invalid.empty()) return fail(Code::invalid_parameter, m_invalid);
  std::string out;
  out.reserve(k_header_bytes + m_body.size());
  put_le(out, m_body.size() / 8, 4);
  out.push_back(static_cast<char>(m_type));
  out.append(3, '\0');  // schema version 0, two unused bytes
  out.append(m_body);
  return out;
}

Result<std::uint64_t> BodyReader::peek_u64() const {
  if (remaining() < 8) return malformed("truncated integer");
  return get_le(m_body.data() + m_pos, 8);
}

Result<std::uint64_t> BodyReader::u64() {
  BERTH_ASSIGN(const auto value, peek_u64());
  m_pos += 8;
  return value;
}

Result<std::uint32_t> BodyReader::u32() {
  if (remaining() < 4) return malformed("truncated integer");
  const auto value = static_cast<std::uint32_t>(get_le(m_body.data() + m_pos, 4));
  m_pos += 4;
  return value;
}

Result<std::string> BodyReader::text() {
  if (remaining() == 0) return malformed("truncated text");
  const auto* start = m_body.data() + m_pos;
  const auto* nul = static_cast<const std::uint8_t*>(std::memchr(start, 0, remaining()));
  if (nul == nullptr) return malformed("text without its terminating NUL");
  const auto length = static_cast<std::size_t>(nul - start);
  // The NUL is inside the body, so the padding may still run past it.
  if (padded(length + 1) > remaining()) return malformed("text padding past the end");
  std::string value(reinterpret_cast<const char*>(start), length);
  m_pos += padded(length + 1);
  return value;
}

Result<std::string> BodyReader::padded_bytes(std::uint64_t n) {
  // Compared before any arithmetic on n: a length near 2^64 must not wrap when padded.
  if (n > remaining() || padded(static_cast<std::size_t>(n)) > remaining()) return malformed("blob past the end");
  std::string value(reinterpret_cast<const char*>(m_body.data() + m_pos), static_cast<std::size_t>(n));
  m_pos += padded(static_cast<std::size_t>(n));
  return value;
}

Result<RowsEnd> decode_rows(BodyReader& body, Rows& rows, std::size_t max_columns) {
  BERTH_ASSIGN(const auto count, body.u64());
  // Each column takes at least a word for its name: a count beyond what the body can hold is a lie.
  if (count == 0 || count > max_columns || count > body.remaining() / 8) {
    return malformed("column count " + std::to_string(count));
  }
  const auto n = static_cast<std::size_t>(count);
  std::vector<std::string> columns;
  columns.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    BERTH_ASSIGN(auto name, body.text());
    columns.push_back(std::move(name));
  }
  if (rows.columns.empty()) {
    rows.columns = std::move(columns);
  } else if (rows.columns != columns) {
    return malformed("the columns changed between two parts of one result");
  }
  const std::size_t header_bytes = padded((n + 1) / 2);  // a 4-bit type code per value
  while (true) {
    BERTH_ASSIGN(const auto word, body.peek_u64());
    if (word == k_rows_done || word == k_rows_part) {
      (void)body.u64();
      return word == k_rows_done ? RowsEnd::done : RowsEnd::more;
    }
    BERTH_ASSIGN(const auto header, body.padded_bytes(header_bytes));
    std::vector<Value> row;
    row.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto byte = static_cast<std::uint8_t>(header[i / 2]);
      const std::uint8_t type = i % 2 == 0 ? (byte & 0x0f) : (byte >> 4);
      switch (type) {
        case k_integer:
        case k_unixtime: {
          BERTH_ASSIGN(const auto v, body.u64());
          row.emplace_back(static_cast<std::int64_t>(v));
          break;
        }
        case k_float: {
          BERTH_ASSIGN(const auto v, body.u64());
          row.emplace_back(std::bit_cast<double>(v));
          break;
        }
        case k_text:
        case k_iso8601: {
          BERTH_ASSIGN(auto v, body.text());
          row.emplace_back(std::move(v));
          break;
        }
        case k_blob: {
          BERTH_ASSIGN(const auto length, body.u64());
          BERTH_ASSIGN(auto v, body.padded_bytes(length));
          row.emplace_back(Blob{std::move(v)});
          break;
        }
        case k_null: {
          BERTH_TRY(body.u64());
          row.emplace_back(std::monostate{});
          break;
        }
        case k_boolean: {
          BERTH_ASSIGN(const auto v, body.u64());
          row.emplace_back(v != 0);
          break;
        }
        default: return malformed("value type " + std::to_string(type));
      }
    }
    rows.rows.push_back(std::move(row));
  }
}

}  // namespace berth::store::dqlite
