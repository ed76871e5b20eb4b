// Fuzz harness: the DNS query parser berth's resolver runs on every datagram a container sends.
// Any bytes must parse or fail with an error; a parsed query must be answerable (A, SRV, NXDOMAIN,
// errors) within the UDP size, with its id.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "runtime/network/dns_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> message(data, size);
  (void)berth::runtime::dns_message_id(message);
  auto query = berth::runtime::parse_dns_query(message);
  if (!query) return 0;
  if (query->question_end > size || query->name.size() > 255) std::abort();
  berth::model::NameAnswer answer;
  answer.outcome = berth::model::NameAnswer::Outcome::found;
  answer.ttl = 5;
  answer.ipv4 = {"172.31.0.1", "10.0.0.2"};
  answer.srv = {{40001, query->name.empty() ? "t.web.local" : "t." + query->name, "172.31.0.1"}};
  for (const auto outcome : {berth::model::NameAnswer::Outcome::found, berth::model::NameAnswer::Outcome::no_such_name}) {
    answer.outcome = outcome;
    const auto reply = berth::runtime::encode_dns_answer(*query, answer);
    if (reply.size() > berth::runtime::k_dns_udp_size || reply.size() < 12) std::abort();
    if (((reply[0] << 8) | reply[1]) != query->id) std::abort();
    // The reply's question parses back as the same name (once the response bit is cleared).
    auto echoed = reply;
    echoed[2] &= 0x7F;
    echoed[6] = echoed[7] = echoed[8] = echoed[9] = echoed[10] = echoed[11] = 0;
    auto again = berth::runtime::parse_dns_query(echoed);
    if (!again || again->name != query->name) std::abort();
  }
  (void)berth::runtime::encode_dns_error(query->id, &*query, berth::runtime::DnsRcode::server_failure);
  return 0;
}
