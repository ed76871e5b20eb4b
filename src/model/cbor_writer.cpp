#include "model/cbor_writer.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace berth::model {
namespace {

enum Major : std::uint8_t { k_unsigned = 0, k_negative = 1, k_bytes = 2, k_text = 3, k_array = 4, k_map = 5, k_tag = 6 };
constexpr std::uint8_t k_false = 0xf4, k_true = 0xf5, k_null = 0xf6, k_float64 = 0xfb;
constexpr std::uint64_t k_epoch_seconds_tag = 1;

void head(std::string& out, Major major, std::uint64_t argument) {
  const auto type = static_cast<std::uint8_t>(major << 5);
  const auto put = [&](int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>(argument >> shift));
  };
  if (argument < 24) {
    out.push_back(static_cast<char>(type | argument));
  } else if (argument <= 0xff) {
    out.push_back(static_cast<char>(type | 24));
    put(1);
  } else if (argument <= 0xffff) {
    out.push_back(static_cast<char>(type | 25));
    put(2);
  } else if (argument <= 0xffffffffULL) {
    out.push_back(static_cast<char>(type | 26));
    put(4);
  } else {
    out.push_back(static_cast<char>(type | 27));
    put(8);
  }
}

void float64(std::string& out, double value) {
  out.push_back(static_cast<char>(k_float64));
  const auto bits = std::bit_cast<std::uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(bits >> shift));
}

void write(std::string& out, const Json& value, bool timestamp, std::span<const std::string_view> timestamps) {
  if (timestamp && value.is_number()) {
    head(out, k_tag, k_epoch_seconds_tag);
    write(out, value, false, timestamps);
    return;
  }
  switch (value.type()) {
    case Json::value_t::null: out.push_back(static_cast<char>(k_null)); break;
    case Json::value_t::boolean: out.push_back(static_cast<char>(value.get<bool>() ? k_true : k_false)); break;
    case Json::value_t::number_unsigned: head(out, k_unsigned, value.get<std::uint64_t>()); break;
    case Json::value_t::number_integer: {
      const std::int64_t n = value.get<std::int64_t>();
      if (n >= 0) head(out, k_unsigned, static_cast<std::uint64_t>(n));
      else head(out, k_negative, static_cast<std::uint64_t>(-1 - n));
      break;
    }
    case Json::value_t::number_float: float64(out, value.get<double>()); break;
    case Json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      head(out, k_text, text.size());
      out += text;
      break;
    }
    case Json::value_t::binary: {
      const auto& bytes = value.get_binary();
      head(out, k_bytes, bytes.size());
      out.append(bytes.begin(), bytes.end());
      break;
    }
    case Json::value_t::array:
      head(out, k_array, value.size());
      for (const auto& element : value) write(out, element, timestamp, timestamps);
      break;
    case Json::value_t::object:
      head(out, k_map, value.size());
      for (const auto& [key, member] : value.items()) {
        head(out, k_text, key.size());
        out += key;
        write(out, member, std::ranges::find(timestamps, key) != timestamps.end(), timestamps);
      }
      break;
    case Json::value_t::discarded: out.push_back(static_cast<char>(k_null)); break;
  }
}

}  // namespace

std::string to_cbor(const Json& value, std::span<const std::string_view> timestamp_members) {
  std::string out;
  write(out, value, false, timestamp_members);
  return out;
}

}  // namespace berth::model
