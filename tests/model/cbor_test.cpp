#include <catch2/catch.hpp>

#include <array>
#include <limits>

#include "model/cbor_writer.hpp"
#include "model/json_parse.hpp"

namespace berth::model::cbor_test {
namespace {

constexpr std::array<std::string_view, 2> k_timestamps = {"Timestamp", "Timestamps"};

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (unsigned v : values) out.push_back(static_cast<char>(v));
  return out;
}

}  // namespace

TEST_CASE("cbor: what the writer writes reads back the same", "[model][cbor]") {
  const Json value = {{"Label", "CPUUtilization"},
                      {"Count", 3},
                      {"Negative", -300000},
                      {"Lowest", std::numeric_limits<std::int64_t>::min()},
                      {"Big", 5'000'000'000LL},
                      {"Average", 12.5},
                      {"Empty", Json::array()},
                      {"Flag", true},
                      {"Nothing", nullptr},
                      {"Nested", {{"Values", {1.5, 2.25, 3}}, {"Text", "é ünïcode"}}}};
  const auto parsed = parse_cbor(to_cbor(value, k_timestamps), "the body");
  REQUIRE(parsed.has_value());
  CHECK(*parsed == value);
}

TEST_CASE("cbor: timestamps are written as tag 1 and read back as their epoch seconds", "[model][cbor]") {
  const std::string encoded = to_cbor(Json{{"Timestamp", 1700000000}}, k_timestamps);
  // map(1), text(9) "Timestamp", tag(1), unsigned 32-bit.
  CHECK(encoded == bytes({0xa1, 0x69}) + "Timestamp" + bytes({0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00}));
  const std::string list = to_cbor(Json{{"Timestamps", {1.5, 2}}, {"Other", 3}}, k_timestamps);
  const auto parsed = parse_cbor(list, "the body");
  REQUIRE(parsed.has_value());
  CHECK((*parsed)["Timestamps"] == Json({1.5, 2}));
  CHECK(list.find(static_cast<char>(0xc1)) != std::string::npos);
  // A tagged value from a client: tag 1 over float64 1.5.
  const auto tagged = parse_cbor(bytes({0xa1, 0x61}) + "t" + bytes({0xc1, 0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0}), "the body");
  REQUIRE(tagged.has_value());
  CHECK((*tagged)["t"] == 1.5);
}

TEST_CASE("cbor: tags of any number and nesting are read through", "[model][cbor]") {
  std::string chained(10000, static_cast<char>(0xc1));  // iterated, not recursed
  chained.push_back(0x05);
  const auto parsed = parse_cbor(chained, "the body");
  REQUIRE(parsed.has_value());
  CHECK(*parsed == 5);
  const auto bignum_tag = parse_cbor(bytes({0x81, 0xd9, 0x01, 0x00, 0x63}) + "abc", "the body");
  REQUIRE(bignum_tag.has_value());
  CHECK(*bignum_tag == Json{"abc"});
}

TEST_CASE("cbor: indefinite-length maps and half floats, as other encoders write them", "[model][cbor]") {
  // {_ "a": 1.0 (half)} with a break.
  const auto parsed = parse_cbor(bytes({0xbf, 0x61}) + "a" + bytes({0xf9, 0x3c, 0x00, 0xff}), "the body");
  REQUIRE(parsed.has_value());
  CHECK((*parsed)["a"] == 1.0);
}

TEST_CASE("cbor: bad input is refused with SerializationException, never thrown", "[model][cbor]") {
  const auto refused = [](const std::string& input) {
    const auto parsed = parse_cbor(input, "The request body");
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == Code::serialization);
    return parsed.error().message;
  };
  CHECK(refused("") == "The request body is not valid CBOR.");
  refused(bytes({0xa1, 0x61}));                            // truncated map
  refused(bytes({0xa1, 0x01, 0x02}));                      // a key that is not text
  refused(bytes({0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}));  // array of 2^64-2 elements
  refused(bytes({0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));  // map declaring more than it holds
  refused(bytes({0x7b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));  // text longer than the input
  refused(bytes({0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}));    // NaN
  refused(bytes({0xf9, 0x7c, 0x00}));                      // +infinity (half)
  refused(bytes({0x01, 0x02}));                            // trailing bytes
  refused(bytes({0x1f}));                                  // reserved additional information
  refused(bytes({0xdf, 0x01}));                            // a tag of indefinite length
  refused(bytes({0x3f}));                                  // an integer of indefinite length
  refused(bytes({0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));  // -2^64: no int64 holds it
  std::string deep(100, static_cast<char>(0x81));          // 100 nested one-element arrays
  deep.push_back(0x01);
  CHECK(refused(deep) == "The request body is nested more than 64 levels deep.");
}

}  // namespace berth::model::cbor_test
