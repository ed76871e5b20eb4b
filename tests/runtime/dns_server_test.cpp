#include "runtime/network/dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include "runtime/network/dns_message.hpp"

namespace dns_server_test {

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

// A server on 127.0.0.1 at a free port, forwarding to `resolver` there if given.
DnsServerOptions on_loopback(const UdpPeer* resolver = nullptr) {
  DnsServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  if (resolver) {
    options.upstreams = {"127.0.0.1"};
    options.upstream_port = resolver->port;
  }
  return options;
}

}  // namespace

TEST_CASE("dns server: answers its names, forwards others with the client's id restored", "[dns]") {
  UdpPeer resolver;
  auto server = DnsServer::bind(on_loopback(&resolver));
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
  auto server = DnsServer::bind(on_loopback());
  REQUIRE(server.has_value());
  (*server)->start([](std::string_view) -> Result<model::NameAnswer> { return model::NameAnswer{}; });
  UdpPeer client;
  client.send_to((*server)->port(), encode_dns_query(3, "example.com", k_dns_type_a));
  CHECK((u16(client.receive().first, 2) & 0xF) == static_cast<int>(DnsRcode::server_failure));
}

namespace {

// A TCP connection to the server on 127.0.0.1.
struct TcpClient {
  UniqueFd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  explicit TcpClient(int port) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&to), sizeof(to)) == 0);
  }
  void send_bytes(const std::vector<std::uint8_t>& bytes) const {
    REQUIRE(::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  }
  // Exactly `n` bytes, or fewer if the server closes first (waits at most 5 s per read).
  std::vector<std::uint8_t> read_exactly(std::size_t n) const {
    std::vector<std::uint8_t> out(n);
    std::size_t got = 0;
    while (got < n) {
      pollfd p{fd.get(), POLLIN, 0};
      REQUIRE(::poll(&p, 1, 5000) == 1);
      const ssize_t r = ::recv(fd.get(), out.data() + got, n - got, 0);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
  }
  // The next framed message (empty when the server closed the connection).
  std::vector<std::uint8_t> receive() const {
    const auto length = read_exactly(2);
    if (length.size() < 2) return {};
    return read_exactly(static_cast<std::size_t>((length[0] << 8) | length[1]));
  }
};

model::NameAnswer many_tasks(int count) {
  model::NameAnswer answer;
  answer.outcome = model::NameAnswer::Outcome::found;
  answer.ttl = 5;
  answer.ipv4 = {"172.31.0.1"};
  for (int i = 0; i < count; ++i) {
    answer.srv.push_back({40000 + i, "0123456789abcdef0123456789abcd" + std::to_string(10 + i) + ".web.local", "172.31.0.1"});
  }
  return answer;
}

}  // namespace

TEST_CASE("dns server: a long answer is truncated over UDP and whole over TCP, pipelined", "[dns]") {
  UdpPeer resolver;
  auto server = DnsServer::bind(on_loopback(&resolver));
  REQUIRE(server.has_value());
  (*server)->start([](std::string_view name) -> Result<model::NameAnswer> {
    if (name == "web.local") return many_tasks(20);
    return model::NameAnswer{};
  });
  const int port = (*server)->port();
  UdpPeer udp;
  udp.send_to(port, encode_dns_query(5, "web.local", k_dns_type_srv));
  const auto cut = udp.receive().first;
  CHECK(cut.size() <= k_dns_udp_size);
  CHECK((u16(cut, 2) & k_dns_flag_truncated) != 0);
  CHECK(u16(cut, 6) < 20);
  CHECK((*server)->counters().truncated == 1);

  TcpClient tcp(port);
  // Two questions in one segment, and a forwarded one: answers come back framed, by id.
  std::vector<std::uint8_t> both = dns_tcp_frame(encode_dns_query(6, "web.local", k_dns_type_srv));
  const auto second = dns_tcp_frame(encode_dns_query(7, "web.local", k_dns_type_a));
  both.insert(both.end(), second.begin(), second.end());
  tcp.send_bytes(both);
  const auto whole = tcp.receive();
  REQUIRE(whole.size() > k_dns_udp_size);
  CHECK(u16(whole, 0) == 6);
  CHECK((u16(whole, 2) & k_dns_flag_truncated) == 0);
  CHECK(u16(whole, 6) == 20);
  CHECK(u16(whole, 10) == 20);
  const auto a = tcp.receive();
  REQUIRE(a.size() >= 12);
  CHECK(u16(a, 0) == 7);
  CHECK(u16(a, 6) == 1);

  // A question sent in two pieces, forwarded over UDP; the resolver's answer comes back framed.
  const auto forwarded = dns_tcp_frame(encode_dns_query(0x4242, "example.com", k_dns_type_a));
  tcp.send_bytes(std::vector(forwarded.begin(), forwarded.begin() + 5));
  tcp.send_bytes(std::vector(forwarded.begin() + 5, forwarded.end()));
  auto [upstream_query, server_port] = resolver.receive();
  auto query = parse_dns_query(upstream_query);
  REQUIRE(query.has_value());
  resolver.send_to(server_port, encode_dns_error(query->id, &*query, DnsRcode::refused));
  const auto relayed = tcp.receive();
  REQUIRE(relayed.size() >= 12);
  CHECK(u16(relayed, 0) == 0x4242);
  CHECK((u16(relayed, 2) & 0xF) == static_cast<int>(DnsRcode::refused));

  // A length over the bound closes the connection, unanswered.
  tcp.send_bytes({0xFF, 0xFF});
  CHECK(tcp.receive().empty());
  CHECK((*server)->counters().tcp.rejected == 1);
  (*server)->stop();
}

TEST_CASE("dns server: TCP connections over the bound are closed; an idle one is closed", "[dns]") {
  DnsServerOptions options = on_loopback();
  options.tcp.max_connections = 2;
  options.tcp.idle_timeout = std::chrono::milliseconds(1);
  auto server = DnsServer::bind(options);
  REQUIRE(server.has_value());
  (*server)->start([](std::string_view) -> Result<model::NameAnswer> { return many_tasks(1); });
  const int port = (*server)->port();
  {
    // Idle from the start: closed at the loop's next round.
    TcpClient idle(port);
    CHECK(idle.receive().empty());
  }
  DnsServerOptions roomy = options;
  roomy.tcp.idle_timeout = std::chrono::seconds(60);
  auto bounded = DnsServer::bind(roomy);
  REQUIRE(bounded.has_value());
  (*bounded)->start([](std::string_view) -> Result<model::NameAnswer> { return many_tasks(1); });
  const int bounded_port = (*bounded)->port();
  TcpClient first(bounded_port), second(bounded_port);
  // Both answered: both are held.
  for (const TcpClient* client : {&first, &second}) {
    client->send_bytes(dns_tcp_frame(encode_dns_query(1, "web.local", k_dns_type_a)));
    CHECK(u16(client->receive(), 6) == 1);
  }
  TcpClient third(bounded_port);
  CHECK(third.receive().empty());
  CHECK((*bounded)->counters().tcp.accepted == 2);
  CHECK((*bounded)->counters().tcp.rejected == 1);
}

}  // namespace dns_server_test
