#include "runtime/network/dns_tcp_framing.hpp"

#include <catch2/catch.hpp>

#include "runtime/network/dns_message.hpp"

namespace dns_tcp_framing_test {

using namespace berth;
using namespace berth::runtime;

namespace {

std::vector<std::uint8_t> joined(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

}  // namespace

TEST_CASE("dns tcp: a frame is the message after its length in two bytes", "[dns]") {
  const std::vector<std::uint8_t> message(300, 7);
  const auto framed = dns_tcp_frame(message);
  REQUIRE(framed.size() == 302);
  CHECK(framed[0] == 1);
  CHECK(framed[1] == 44);
  CHECK(std::equal(message.begin(), message.end(), framed.begin() + 2));
}

TEST_CASE("dns tcp: a message read byte by byte comes out whole, once", "[dns]") {
  const auto query = encode_dns_query(0x1234, "web.local", k_dns_type_srv);
  const auto framed = dns_tcp_frame(query);
  DnsTcpReader reader(4096);
  for (std::size_t i = 0; i + 1 < framed.size(); ++i) {
    reader.append(std::span(framed).subspan(i, 1));
    auto next = reader.next();
    REQUIRE(next.has_value());
    CHECK_FALSE(next->has_value());
  }
  reader.append(std::span(framed).subspan(framed.size() - 1));
  auto next = reader.next();
  REQUIRE(next.has_value());
  REQUIRE(next->has_value());
  CHECK(**next == query);
  auto none = reader.next();
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());
  CHECK(reader.buffered() == 0);
}

TEST_CASE("dns tcp: two messages in one segment and half of a third", "[dns]") {
  const auto a = encode_dns_query(1, "a.local", k_dns_type_a);
  const auto b = encode_dns_query(2, "b.local", k_dns_type_srv);
  const auto c = dns_tcp_frame(encode_dns_query(3, "c.local", k_dns_type_a));
  const std::size_t half = c.size() / 2;
  DnsTcpReader reader(4096);
  reader.append(joined({dns_tcp_frame(a), dns_tcp_frame(b), std::vector(c.begin(), c.begin() + half)}));
  auto first = reader.next();
  REQUIRE((first && *first));
  CHECK(**first == a);
  auto second = reader.next();
  REQUIRE((second && *second));
  CHECK(**second == b);
  auto third = reader.next();
  REQUIRE(third.has_value());
  CHECK_FALSE(third->has_value());
  CHECK(reader.buffered() == half);
  reader.append(std::vector(c.begin() + half, c.end()));
  third = reader.next();
  REQUIRE((third && *third));
  CHECK(parse_dns_query(**third)->name == "c.local");
  CHECK(reader.buffered() == 0);
}

TEST_CASE("dns tcp: a length over the bound or of zero ends the stream", "[dns]") {
  DnsTcpReader reader(512);
  // Refused from the length alone: the 513 bytes are never waited for.
  reader.append(std::vector<std::uint8_t>{0x02, 0x01, 0, 0});
  auto over = reader.next();
  REQUIRE_FALSE(over.has_value());
  CHECK(over.error().code == Code::invalid_parameter);
  DnsTcpReader exactly(512);
  exactly.append(joined({{0x02, 0x00}, std::vector<std::uint8_t>(512, 1)}));
  auto at_bound = exactly.next();
  REQUIRE((at_bound && *at_bound));
  CHECK((*at_bound)->size() == 512);
  DnsTcpReader zero(512);
  zero.append(std::vector<std::uint8_t>{0, 0});
  CHECK_FALSE(zero.next().has_value());
}

}  // namespace dns_tcp_framing_test
