// Fuzz harness: CBOR request bodies (CloudWatch's rpc-v2-cbor). Any bytes must parse or fail with
// an error, never throw or overflow; what parses must survive the writer and parse back equal.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/cbor_writer.hpp"
#include "model/json_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto parsed = berth::model::parse_cbor(bytes, "The request body");
  if (!parsed) return 0;
  constexpr std::array<std::string_view, 1> k_timestamps = {"Timestamp"};
  auto again = berth::model::parse_cbor(berth::model::to_cbor(*parsed, k_timestamps), "The reply");
  if (!again || *again != *parsed) std::abort();
  return 0;
}
