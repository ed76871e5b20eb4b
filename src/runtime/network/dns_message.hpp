// DNS messages (RFC 1035) as berth's resolver needs them: a query parsed with checked, bounded
// reads (it comes from any container), and replies encoded from a model::NameAnswer. Only what a
// stub resolver sends is taken: one question, no compression loops (pointers only backwards, at
// most 16), names of at most 255 bytes. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/service_discovery.hpp"

namespace berth::runtime {

inline constexpr std::uint16_t k_dns_type_a = 1;
inline constexpr std::uint16_t k_dns_type_srv = 33;
inline constexpr std::uint16_t k_dns_type_opt = 41;
inline constexpr std::uint16_t k_dns_class_in = 1;
// A reply over UDP without EDNS fits in 512 bytes; one over TCP in its 2-byte length prefix.
inline constexpr std::size_t k_dns_udp_size = 512;
inline constexpr std::size_t k_dns_tcp_size = 65535;
// The TC bit of a reply's flags: records were left out, ask again over TCP (RFC 1035 4.1.1).
inline constexpr std::uint16_t k_dns_flag_truncated = 0x0200;

enum class DnsRcode : std::uint8_t { no_error = 0, format_error = 1, server_failure = 2, name_error = 3, not_implemented = 4, refused = 5 };

struct DnsQuery {
  std::uint16_t id = 0;
  bool recursion_desired = false;
  std::string name;             // as asked, labels joined by '.', without the final dot
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
  std::size_t question_end = 0;  // offset just past the question in the packet
};

// Returns the message's id if it has a full header (12 bytes); nothing otherwise.
std::optional<std::uint16_t> dns_message_id(std::span<const std::uint8_t> message);

// Parses a standard query: QR = 0, opcode QUERY, exactly one question, no answer or authority
// records (additional ones, EDNS's OPT, are allowed and ignored). InvalidParameterException for
// anything else, with the reason.
[[nodiscard]] Result<DnsQuery> parse_dns_query(std::span<const std::uint8_t> message);

// The reply to `query`: `answer`'s records of the type asked for (SRV adds its targets' A records
// in the additional section), authoritative; NXDOMAIN for no_such_name. Never more than
// `max_bytes` (at least a header and the question; k_dns_udp_size over UDP, k_dns_tcp_size over
// TCP): the answer records that do not fit are left out and the reply has TC set, so a resolver
// asks again over TCP; additional records that do not fit are left out without TC (RFC 2181
// 9: the client can ask for them). `answer` must not be not_ours.
std::vector<std::uint8_t> encode_dns_answer(const DnsQuery& query, const model::NameAnswer& answer,
                                            std::size_t max_bytes = k_dns_udp_size);

// A reply with no records and `rcode` (FORMERR, SERVFAIL, REFUSED...) to the message with
// `id`; the question is echoed if `query` has one.
std::vector<std::uint8_t> encode_dns_error(std::uint16_t id, const DnsQuery* query, DnsRcode rcode);

// Writes `id` into a message's header (at least 12 bytes).
void set_dns_message_id(std::span<std::uint8_t> message, std::uint16_t id);

// Encodes a name query (for tests and the benchmark's client): recursion desired.
std::vector<std::uint8_t> encode_dns_query(std::uint16_t id, const std::string& name, std::uint16_t type);

}  // namespace berth::runtime
