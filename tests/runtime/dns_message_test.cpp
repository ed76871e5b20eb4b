#include "runtime/network/dns_message.hpp"

#include <catch2/catch.hpp>

#include "runtime/network/dns_resolv_conf.hpp"

namespace dns_message_test {

using namespace berth;
using namespace berth::runtime;

namespace {

std::uint16_t u16(const std::vector<std::uint8_t>& m, std::size_t at) { return static_cast<std::uint16_t>((m[at] << 8) | m[at + 1]); }

model::NameAnswer found(std::vector<std::string> ipv4, std::vector<model::DnsSrv> srv = {}) {
  model::NameAnswer answer;
  answer.outcome = model::NameAnswer::Outcome::found;
  answer.ttl = 5;
  answer.ipv4 = std::move(ipv4);
  answer.srv = std::move(srv);
  return answer;
}

DnsQuery query_of(const std::string& name, std::uint16_t type) {
  const auto bytes = encode_dns_query(0x1234, name, type);
  auto query = parse_dns_query(bytes);
  REQUIRE(query.has_value());
  return *query;
}

}  // namespace

TEST_CASE("dns: a query is parsed with its id, name, type and class", "[dns]") {
  const auto query = query_of("web.local", k_dns_type_srv);
  CHECK(query.id == 0x1234);
  CHECK(query.recursion_desired);
  CHECK(query.name == "web.local");
  CHECK(query.type == k_dns_type_srv);
  CHECK(query.klass == k_dns_class_in);
}

TEST_CASE("dns: malformed queries are refused, never read past their end", "[dns]") {
  auto bytes = encode_dns_query(1, "web.local", k_dns_type_a);
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    CHECK_FALSE(parse_dns_query(std::span(bytes.data(), size)).has_value());
  }
  auto response = bytes;
  response[2] |= 0x80;
  CHECK_FALSE(parse_dns_query(response).has_value());
  auto two_questions = bytes;
  two_questions[5] = 2;
  CHECK_FALSE(parse_dns_query(two_questions).has_value());
  auto with_answer = bytes;
  with_answer[7] = 1;
  CHECK_FALSE(parse_dns_query(with_answer).has_value());
  // A compression pointer to itself (a loop) and one forwards.
  std::vector<std::uint8_t> loop(bytes.begin(), bytes.begin() + 12);
  loop.insert(loop.end(), {0xC0, 12, 0, 1, 0, 1});
  CHECK_FALSE(parse_dns_query(loop).has_value());
  std::vector<std::uint8_t> forward(bytes.begin(), bytes.begin() + 12);
  forward.insert(forward.end(), {0xC0, 20, 0, 1, 0, 1, 0, 0, 0});
  CHECK_FALSE(parse_dns_query(forward).has_value());
  // A name over 255 bytes.
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
  CHECK_FALSE(parse_dns_query(encode_dns_query(1, long_name, k_dns_type_a)).has_value());
  // A '.' inside a label would read as another name.
  std::vector<std::uint8_t> dotted(bytes.begin(), bytes.begin() + 12);
  dotted.insert(dotted.end(), {3, 'a', '.', 'b', 0, 0, 1, 0, 1});
  CHECK_FALSE(parse_dns_query(dotted).has_value());
  // An unknown opcode (not a standard query).
  auto status = bytes;
  status[2] |= 0x10;
  CHECK(parse_dns_query(status).error().code == Code::unsupported_feature);
}

TEST_CASE("dns: an A answer carries each address with the TTL, authoritative", "[dns]") {
  const auto query = query_of("web.local", k_dns_type_a);
  const auto reply = encode_dns_answer(query, found({"172.31.0.1", "10.1.2.3"}));
  CHECK(u16(reply, 0) == 0x1234);
  CHECK((u16(reply, 2) & 0x8000) != 0);  // a response
  CHECK((u16(reply, 2) & 0x0400) != 0);  // authoritative
  CHECK((u16(reply, 2) & 0x000F) == 0);
  CHECK(u16(reply, 4) == 1);
  CHECK(u16(reply, 6) == 2);
  const std::size_t first = query.question_end;
  CHECK(u16(reply, first) == 0xC00C);  // the question's name
  CHECK(u16(reply, first + 2) == k_dns_type_a);
  CHECK(u16(reply, first + 8) == 5);  // TTL's low half
  CHECK(u16(reply, first + 10) == 4);
  CHECK(std::vector<std::uint8_t>(reply.begin() + first + 12, reply.begin() + first + 16) ==
        std::vector<std::uint8_t>{172, 31, 0, 1});
}

TEST_CASE("dns: an SRV answer carries the port and target, and the target's address as additional", "[dns]") {
  const auto query = query_of("web.local", k_dns_type_srv);
  const auto reply = encode_dns_answer(query, found({}, {{40001, "t1.web.local", "172.31.0.1"}}));
  CHECK(u16(reply, 6) == 1);
  CHECK(u16(reply, 10) == 1);
  const std::size_t rdata = query.question_end + 12;
  CHECK(u16(reply, query.question_end + 2) == k_dns_type_srv);
  CHECK(u16(reply, rdata + 4) == 40001);
  CHECK(reply[rdata + 6] == 2);
  CHECK(std::string(reply.begin() + rdata + 7, reply.begin() + rdata + 9) == "t1");
}

TEST_CASE("dns: NXDOMAIN for a missing name, no data for another type", "[dns]") {
  model::NameAnswer missing;
  missing.outcome = model::NameAnswer::Outcome::no_such_name;
  const auto nx = encode_dns_answer(query_of("x.local", k_dns_type_a), missing);
  CHECK((u16(nx, 2) & 0x000F) == static_cast<int>(DnsRcode::name_error));
  CHECK(u16(nx, 6) == 0);
  const auto aaaa = encode_dns_answer(query_of("web.local", 28), found({"10.0.0.1"}));
  CHECK((u16(aaaa, 2) & 0x000F) == 0);
  CHECK(u16(aaaa, 6) == 0);
  CHECK((u16(aaaa, 2) & k_dns_flag_truncated) == 0);
}

TEST_CASE("dns: an answer over 512 bytes is cut at a whole record with TC set; over TCP it is whole", "[dns]") {
  std::vector<std::string> many;
  std::vector<model::DnsSrv> srv;
  for (int i = 0; i < 40; ++i) {
    many.push_back("10.0.0." + std::to_string(i));
    srv.push_back({1000 + i, std::string(50, 'x') + std::to_string(i) + ".web.local", "10.0.0.1"});
  }
  const auto a = encode_dns_answer(query_of("web.local", k_dns_type_a), found(many));
  CHECK(a.size() <= k_dns_udp_size);
  // 12 + 15 bytes of header and question, 16 per A record: 30 fit.
  CHECK(u16(a, 6) == 30);
  CHECK((u16(a, 2) & k_dns_flag_truncated) != 0);
  const auto s = encode_dns_answer(query_of("web.local", k_dns_type_srv), found({}, srv));
  CHECK(s.size() <= k_dns_udp_size);
  CHECK(u16(s, 6) >= 1);
  CHECK(u16(s, 6) < 40);
  CHECK((u16(s, 2) & k_dns_flag_truncated) != 0);

  const auto a_tcp = encode_dns_answer(query_of("web.local", k_dns_type_a), found(many), k_dns_tcp_size);
  CHECK(u16(a_tcp, 6) == 40);
  CHECK((u16(a_tcp, 2) & k_dns_flag_truncated) == 0);
  const auto s_tcp = encode_dns_answer(query_of("web.local", k_dns_type_srv), found({}, srv), k_dns_tcp_size);
  CHECK(u16(s_tcp, 6) == 40);
  CHECK(u16(s_tcp, 10) == 40);  // every target's address too
  CHECK((u16(s_tcp, 2) & k_dns_flag_truncated) == 0);

  // Exactly at the limit: the records that fit, no TC; one byte less: TC.
  const std::vector<std::string> three = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};
  const auto whole = encode_dns_answer(query_of("web.local", k_dns_type_a), found(three), 12 + 15 + 3 * 16);
  CHECK(u16(whole, 6) == 3);
  CHECK((u16(whole, 2) & k_dns_flag_truncated) == 0);
  const auto cut = encode_dns_answer(query_of("web.local", k_dns_type_a), found(three), 12 + 15 + 3 * 16 - 1);
  CHECK(u16(cut, 6) == 2);
  CHECK(cut.size() == 12 + 15 + 2 * 16);
  CHECK((u16(cut, 2) & k_dns_flag_truncated) != 0);
  // Additional records that do not fit are left out without TC: the answer is whole.
  const std::vector<model::DnsSrv> one = {{40001, "t1.web.local", "10.0.0.1"}};
  const auto full = encode_dns_answer(query_of("web.local", k_dns_type_srv), found({}, one), k_dns_tcp_size);
  const auto without_additional = encode_dns_answer(query_of("web.local", k_dns_type_srv), found({}, one), full.size() - 1);
  CHECK(u16(without_additional, 6) == 1);
  CHECK(u16(without_additional, 10) == 0);
  CHECK((u16(without_additional, 2) & k_dns_flag_truncated) == 0);
}

TEST_CASE("dns: resolv.conf gives the resolvers to forward to and the containers' file", "[dns]") {
  const std::string host = "# generated\nnameserver 127.0.0.53\nnameserver  10.0.0.2 \nsearch corp.example\noptions edns0 trust-ad\n"
                           "nameserver 10.0.0.3\nnameserver 10.0.0.4\n";
  CHECK(resolv_conf_nameservers(host) == std::vector<std::string>{"127.0.0.53", "10.0.0.2", "10.0.0.3"});
  CHECK(resolv_conf_via("172.31.0.1", host) ==
        "nameserver 172.31.0.1\nsearch corp.example\noptions edns0 trust-ad\n");
}

}  // namespace dns_message_test
