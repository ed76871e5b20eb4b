#include "common/ids.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "common/result.hpp"

namespace berth {
namespace {

void fill_random(std::uint8_t* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    ssize_t got = getrandom(out + done, n - done, 0);
    if (got < 0 && errno == EINTR) continue;
    BERTH_CHECK(got > 0);
    done += static_cast<std::size_t>(got);
  }
}

std::string to_hex(const std::uint8_t* bytes, std::size_t n) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(k_digits[bytes[i] >> 4]);
    out.push_back(k_digits[bytes[i] & 0xf]);
  }
  return out;
}

}  // namespace

std::string random_hex(std::size_t n_bytes) {
  std::vector<std::uint8_t> bytes(n_bytes);
  fill_random(bytes.data(), n_bytes);
  return to_hex(bytes.data(), n_bytes);
}

std::string random_chars(std::size_t length, std::string_view alphabet) {
  BERTH_CHECK(!alphabet.empty() && alphabet.size() <= 256);
  // Bytes at or above the largest multiple of the alphabet's size are drawn again, so every
  // character is equally likely.
  const std::size_t usable = 256 - 256 % alphabet.size();
  std::string out;
  out.reserve(length);
  std::uint8_t byte = 0;
  while (out.size() < length) {
    fill_random(&byte, 1);
    if (byte < usable) out.push_back(alphabet[byte % alphabet.size()]);
  }
  return out;
}

std::string random_uuid() {
  std::uint8_t b[16];
  fill_random(b, sizeof b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
  std::string hex = to_hex(b, sizeof b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace berth
