#include "runtime/shim/attach_protocol.hpp"

#include <catch2/catch.hpp>

namespace attach_protocol_test {

using namespace berth::runtime;

namespace {

// Every frame `reader` holds now; fails the test on a protocol error.
std::vector<Frame> drain(FrameReader& reader) {
  std::vector<Frame> out;
  while (true) {
    auto frame = reader.next();
    REQUIRE(frame.has_value());
    if (!*frame) return out;
    out.push_back(std::move(**frame));
  }
}

}  // namespace

TEST_CASE("attach frames: a type byte, a big-endian length, the payload", "[runtime][attach]") {
  CHECK(encode_frames(FrameType::stdout_, "hi") == std::string("\x01\x00\x00\x00\x02hi", 7));
  CHECK(encode_frames(FrameType::exit, "") == std::string("\x03\x00\x00\x00\x00", 5));
  const std::string big(k_max_frame_payload * 2 + 3, 'x');
  const std::string frames = encode_frames(FrameType::stdin_, big);
  CHECK(frames.size() == big.size() + 3 * k_frame_header_bytes);
  FrameReader reader;
  reader.feed(frames);
  const auto read = drain(reader);
  REQUIRE(read.size() == 3);
  CHECK(read[0].payload.size() == k_max_frame_payload);
  CHECK(read[2].payload == "xxx");
  CHECK(read[0].payload + read[1].payload + read[2].payload == big);
}

TEST_CASE("attach frames: read whole however the bytes arrive", "[runtime][attach]") {
  const std::string stream = encode_frames(FrameType::stdout_, "out\n") + encode_frames(FrameType::stderr_, "err") +
                             encode_frames(FrameType::exit, "3");
  FrameReader reader;
  std::vector<Frame> read;
  for (char byte : stream) {
    reader.feed(std::string_view(&byte, 1));
    for (auto& f : drain(reader)) read.push_back(std::move(f));
  }
  REQUIRE(read.size() == 3);
  CHECK((read[0].type == FrameType::stdout_ && read[0].payload == "out\n"));
  CHECK((read[1].type == FrameType::stderr_ && read[1].payload == "err"));
  CHECK((read[2].type == FrameType::exit && read[2].payload == "3"));
  auto none = reader.next();
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("attach frames: an unknown type or an oversized length is an error", "[runtime][attach]") {
  FrameReader unknown;
  unknown.feed(std::string("\x07\x00\x00\x00\x01x", 6));
  CHECK_FALSE(unknown.next().has_value());
  FrameReader oversized;
  oversized.feed(std::string("\x00\x00\x00\x40\x01", 5));  // 16385 bytes announced
  CHECK_FALSE(oversized.next().has_value());
  FrameReader huge;
  huge.feed(std::string("\x01\xff\xff\xff\xff", 5));
  CHECK_FALSE(huge.next().has_value());
  FrameReader short_header;
  short_header.feed(std::string("\x01\x00\x00", 3));
  auto waiting = short_header.next();
  REQUIRE(waiting.has_value());
  CHECK_FALSE(waiting->has_value());
}

}  // namespace attach_protocol_test
