// dqlite's wire format as berth writes and reads it: request layout, and responses decoded without
// ever reading past the body or sizing an allocation from an unchecked length.
#include <catch2/catch.hpp>

#include <cstring>

#include "store/dqlite/wire.hpp"

namespace wire_test {

using namespace berth::store::dqlite;

namespace {

void word(std::vector<std::uint8_t>& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void text(std::vector<std::uint8_t>& out, std::string_view value) {
  out.insert(out.end(), value.begin(), value.end());
  out.push_back(0);
  while (out.size() % 8 != 0) out.push_back(0);
}

std::array<std::uint8_t, 8> header_of(std::uint32_t words, std::uint8_t type) {
  return {static_cast<std::uint8_t>(words), static_cast<std::uint8_t>(words >> 8), static_cast<std::uint8_t>(words >> 16),
          static_cast<std::uint8_t>(words >> 24), type, 0, 0, 0};
}

}  // namespace

TEST_CASE("dqlite wire: a header's body size is refused over the caller's limit before anything is allocated",
          "[store][dqlite]") {
  auto small = parse_header(header_of(2, 7), 16);
  REQUIRE(small);
  CHECK(small->body_bytes == 16);
  CHECK(small->type == 7);
  CHECK_FALSE(parse_header(header_of(3, 7), 16));
  auto huge = parse_header(header_of(0xffffffffu, 7), 16u << 20);
  REQUIRE_FALSE(huge);
  CHECK(huge.error().message.find("over the limit") != std::string::npos);
}

TEST_CASE("dqlite wire: a request is framed in words with its parameters typed in a padded header", "[store][dqlite]") {
  RequestWriter request(RequestType::exec_sql);
  const Value params[] = {std::int64_t{-2}, std::string("ab"), std::monostate{}};
  request.u64(0).text("SELECT ?").params(params);
  auto framed = request.framed();
  REQUIRE(framed);
  const std::string& bytes = *framed;
  REQUIRE(bytes.size() % 8 == 0);
  // Header: body words, type 8 (EXEC_SQL).
  CHECK(static_cast<unsigned char>(bytes[0]) == (bytes.size() - 8) / 8);
  CHECK(bytes[4] == 8);
  // Body: db id word, "SELECT ?\0" padded to 16, then count 3 and types 1 (integer), 3 (text), 5 (null).
  CHECK(bytes.substr(16, 9) == std::string("SELECT ?\0", 9));
  CHECK(bytes[32] == 3);
  CHECK(bytes[33] == 1);
  CHECK(bytes[34] == 3);
  CHECK(bytes[35] == 5);
  std::int64_t first = 0;
  std::memcpy(&first, bytes.data() + 40, 8);
  CHECK(first == -2);
  CHECK(bytes.substr(48, 3) == std::string("ab\0", 3));
  CHECK(bytes.size() == 64);  // the NULL's word ends it
}

TEST_CASE("dqlite wire: text with a NUL byte and more than 255 parameters are refused, not truncated", "[store][dqlite]") {
  RequestWriter nul(RequestType::exec_sql);
  nul.u64(0).text(std::string_view("a\0b", 3));
  CHECK_FALSE(nul.framed());
  RequestWriter many(RequestType::exec_sql);
  const std::vector<Value> params(256, Value{std::int64_t{1}});
  many.u64(0).text("x").params(params);
  auto framed = many.framed();
  REQUIRE_FALSE(framed);
  CHECK(framed.error().message.find("255") != std::string::npos);
}

TEST_CASE("dqlite wire: a reader never reads past the body", "[store][dqlite]") {
  std::vector<std::uint8_t> body{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};  // no NUL
  BodyReader unterminated(body);
  CHECK_FALSE(unterminated.text());
  std::vector<std::uint8_t> blob;
  word(blob, 0xffffffffffffffffULL);  // a length near 2^64 must not wrap when padded
  BodyReader reader(blob);
  auto length = reader.u64();
  REQUIRE(length);
  CHECK_FALSE(reader.padded_bytes(*length));
  CHECK_FALSE(reader.u64());
  std::vector<std::uint8_t> short_pad{'a', 'b', 0};  // NUL present, padding cut off
  BodyReader cut(short_pad);
  CHECK_FALSE(cut.text());
}

TEST_CASE("dqlite wire: rows decode typed, in parts, and a lying column count is refused", "[store][dqlite]") {
  std::vector<std::uint8_t> body;
  word(body, 2);
  text(body, "id");
  text(body, "name");
  // Row 1: integer, text (type codes 1 and 3 in one byte's nibbles).
  word(body, 0x31);
  word(body, 7);
  text(body, "seven");
  // Row 2: null, blob.
  word(body, 0x45);
  word(body, 0);
  word(body, 3);
  body.insert(body.end(), {1, 2, 3, 0, 0, 0, 0, 0});
  word(body, 0xeeeeeeeeeeeeeeeeULL);  // more in another message
  Rows rows;
  BodyReader first(body);
  auto end = decode_rows(first, rows);
  REQUIRE(end);
  CHECK(*end == RowsEnd::more);
  CHECK(rows.columns == std::vector<std::string>{"id", "name"});
  REQUIRE(rows.rows.size() == 2);
  CHECK(rows.rows[0][0] == Value{std::int64_t{7}});
  CHECK(rows.rows[0][1] == Value{std::string("seven")});
  CHECK(std::holds_alternative<std::monostate>(rows.rows[1][0]));
  CHECK(rows.rows[1][1] == Value{Blob{std::string("\x01\x02\x03", 3)}});

  std::vector<std::uint8_t> last;
  word(last, 2);
  text(last, "id");
  text(last, "name");
  word(last, 0xffffffffffffffffULL);
  BodyReader second(last);
  end = decode_rows(second, rows);
  REQUIRE(end);
  CHECK(*end == RowsEnd::done);
  CHECK(rows.rows.size() == 2);

  std::vector<std::uint8_t> liar;
  word(liar, 1'000'000'000);
  text(liar, "id");
  BodyReader lying(liar);
  Rows none;
  CHECK_FALSE(decode_rows(lying, none));
  CHECK(none.columns.empty());

  std::vector<std::uint8_t> bad_type;
  word(bad_type, 1);
  text(bad_type, "id");
  word(bad_type, 0x0f);  // 15 is no type
  word(bad_type, 0);
  BodyReader unknown(bad_type);
  Rows some;
  CHECK_FALSE(decode_rows(unknown, some));
}

}  // namespace wire_test
