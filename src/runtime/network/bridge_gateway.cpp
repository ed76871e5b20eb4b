#include "runtime/network/bridge_gateway.hpp"

#include <arpa/inet.h>

#include "common/numbers.hpp"

namespace berth::runtime {

std::optional<std::string> bridge_gateway_of(const std::string& cidr) {
  const auto slash = cidr.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const auto prefix = parse_integer_in<int>(std::string_view(cidr).substr(slash + 1), 8, 30);
  in_addr address{};
  if (!prefix || ::inet_pton(AF_INET, cidr.substr(0, slash).c_str(), &address) != 1) return std::nullopt;
  const std::uint32_t mask = ~std::uint32_t{0} << (32 - *prefix);
  address.s_addr = htonl((ntohl(address.s_addr) & mask) + 1);
  char text[INET_ADDRSTRLEN];
  if (!::inet_ntop(AF_INET, &address, text, sizeof text)) return std::nullopt;
  return std::string(text);
}

}  // namespace berth::runtime
