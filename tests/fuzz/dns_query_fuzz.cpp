// Fuzz harness: the DNS query parser berth's resolver runs on every datagram a container sends,
// and the TCP framing it runs on every stream. Any bytes must parse or fail with an error; a
// parsed query must be answerable (A, SRV, NXDOMAIN, errors) within the UDP size with its id, and
// over TCP with every record. The same bytes as a TCP stream, cut into pieces anywhere, must give
// the same messages as read whole, each within the bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <utility>
#include <vector>
#include <algorithm>

#include "runtime/network/dns_message.hpp"
#include "runtime/network/dns_tcp_framing.hpp"

namespace {

// The messages of `stream` read in pieces of `piece` bytes, and whether the reader refused it.
std::pair<std::vector<std::vector<std::uint8_t>>, bool> read_stream(std::span<const std::uint8_t> stream, std::size_t piece) {
  berth::runtime::DnsTcpReader reader(512);
  std::vector<std::vector<std::uint8_t>> out;
  for (std::size_t at = 0; at < stream.size(); at += piece) {
    reader.append(stream.subspan(at, std::min(piece, stream.size() - at)));
    while (true) {
      auto next = reader.next();
      if (!next) return {out, true};
      if (!*next) break;
      if ((*next)->empty() || (*next)->size() > 512) std::abort();
      out.push_back(std::move(**next));
    }
    if (reader.buffered() > 2 + 512 + piece) std::abort();
  }
  return {out, false};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> message(data, size);
  const auto whole = read_stream(message, size == 0 ? 1 : size);
  const std::size_t piece = size == 0 ? 1 : 1 + data[0] % 7;
  if (read_stream(message, piece) != whole) std::abort();
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
    const auto over_tcp = berth::runtime::encode_dns_answer(*query, answer, berth::runtime::k_dns_tcp_size);
    if (over_tcp.size() < reply.size() || (over_tcp[2] & 0x02) != 0) std::abort();
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
