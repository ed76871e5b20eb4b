#include "runtime/network/dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include "runtime/network/dns_message.hpp"

using namespace berth;
using namespace berth::runtime;

namespace {

// A UDP socket on 127.0.0.1 with an ephemeral port: a client, or a resolver stand-in.
struct UdpPeer {
  UniqueFd fd{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  int port = 0;
  UdpPeer() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    socklen_t length = sizeof(address);
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port = ntohs(address.sin_port);
  }
  void send_to(int to_port, const std::vector<std::uint8_t>& bytes) const {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(to_port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::sendto(fd.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to)) ==
            static_cast<ssize_t>(bytes.size()));
  }
  // The next datagram and its sender's port (waits at most 5 s: a lost one fails the test).
  std::pair<std::vector<std::uint8_t>, int> receive() const {
    pollfd p{fd.get(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 5000) == 1);
    std::vector<std::uint8_t> buffer(4096);
    sockaddr_in from{};
    socklen_t length = sizeof(from);
    const ssize_t n = ::recvfrom(fd.get(), buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&from), &length);
    REQUIRE(n > 0);
    buffer.resize(static_cast<std::size_t>(n));
    return {buffer, ntohs(from.sin_port)};
  }
};

std::uint16_t u16(const std::vector<std::uint8_t>& m, std::size_t at) { return static_cast<std::uint16_t>((m[at] << 8) | m[at + 1]); }

}  // namespace

TEST_CASE("dns server: answers its names, forwards others with the client's id restored", "[dns]") {
  UdpPeer resolver;
  DnsServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.upstreams = {"127.0.0.1"};
  options.upstream_port = resolver.port;
  auto server = DnsServer::bind(options);
  REQUIRE(server.has_value());
  int lookups = 0;
  (*server)->start([&](std::string_view name) -> Result<model::NameAnswer> {
    ++lookups;
    model::NameAnswer answer;
    if (name == "web.local") {
      answer.outcome = model::NameAnswer::Outcome::found;
      answer.ipv4 = {"172.31.0.1"};
    } else if (name.ends_with(".local")) {
      answer.outcome = model::NameAnswer::Outcome::no_such_name;
    }
    return answer;
  });
  UdpPeer client;
  const int port = (*server)->port();

  client.send_to(port, encode_dns_query(0xBEEF, "WEB.local", k_dns_type_a));
  auto [reply, from] = client.receive();
  CHECK(from == port);
  CHECK(u16(reply, 0) == 0xBEEF);
  CHECK(u16(reply, 6) == 1);
  client.send_to(port, encode_dns_query(7, "gone.local", k_dns_type_a));
  CHECK((u16(client.receive().first, 2) & 0xF) == static_cast<int>(DnsRcode::name_error));
  // The same name again within the cache's lifetime costs no lookup.
  const int before = lookups;
  client.send_to(port, encode_dns_query(8, "web.local", k_dns_type_a));
  client.receive();
  CHECK(lookups == before);

  client.send_to(port, encode_dns_query(0x4242, "example.com", k_dns_type_a));
  auto [forwarded, server_port] = resolver.receive();
  auto query = parse_dns_query(forwarded);
  REQUIRE(query.has_value());
  CHECK(query->name == "example.com");
  auto upstream_reply = encode_dns_error(query->id, &*query, DnsRcode::refused);
  resolver.send_to(server_port, upstream_reply);
  auto [relayed, relayed_from] = client.receive();
  CHECK(relayed_from == port);
  CHECK(u16(relayed, 0) == 0x4242);
  CHECK((u16(relayed, 2) & 0xF) == static_cast<int>(DnsRcode::refused));
  // A malformed question gets FORMERR; a response is never answered.
  auto bad = encode_dns_query(9, "x", k_dns_type_a);
  bad[5] = 0;  // no question
  client.send_to(port, bad);
  CHECK((u16(client.receive().first, 2) & 0xF) == static_cast<int>(DnsRcode::format_error));
  CHECK((*server)->counters().forwarded == 1);
  (*server)->stop();
}

TEST_CASE("dns server: without a resolver, other names are SERVFAIL", "[dns]") {
  DnsServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  auto server = DnsServer::bind(options);
  REQUIRE(server.has_value());
  (*server)->start([](std::string_view) -> Result<model::NameAnswer> { return model::NameAnswer{}; });
  UdpPeer client;
  client.send_to((*server)->port(), encode_dns_query(3, "example.com", k_dns_type_a));
  CHECK((u16(client.receive().first, 2) & 0xF) == static_cast<int>(DnsRcode::server_failure));
}
