#include "runtime/network/dns_message.hpp"

#include <algorithm>
#include <array>

#include "common/numbers.hpp"
#include "common/split.hpp"

namespace berth::runtime {
namespace {

constexpr std::size_t k_header_size = 12;
constexpr std::size_t k_max_name_bytes = 255;
constexpr int k_max_pointers = 16;

std::uint16_t read16(std::span<const std::uint8_t> m, std::size_t at) {
  return static_cast<std::uint16_t>((m[at] << 8) | m[at + 1]);
}

std::unexpected<Error> malformed(const std::string& why) {
  return fail(Code::invalid_parameter, "malformed DNS query: " + why);
}

// Reads the name at `at`; returns it and the offset just past it where it is written (a pointer
// ends it there). Pointers must point backwards, so no loop is possible; their number is bounded too.
Result<std::pair<std::string, std::size_t>> read_name(std::span<const std::uint8_t> m, std::size_t at) {
  std::string name;
  std::size_t wire_bytes = 0;
  std::optional<std::size_t> end;
  int pointers = 0;
  while (true) {
    if (at >= m.size()) return malformed("a name runs past the message");
    const std::uint8_t length = m[at];
    if ((length & 0xC0) == 0xC0) {
      if (at + 1 >= m.size()) return malformed("a compression pointer is cut off");
      const std::size_t target = static_cast<std::size_t>(((length & 0x3F) << 8) | m[at + 1]);
      if (target >= at || ++pointers > k_max_pointers) return malformed("a compression pointer does not point back");
      if (!end) end = at + 2;
      at = target;
      continue;
    }
    if ((length & 0xC0) != 0) return malformed("a label type is unknown");
    wire_bytes += length + 1;
    if (wire_bytes > k_max_name_bytes) return malformed("a name is longer than 255 bytes");
    if (length == 0) break;
    if (at + 1 + length > m.size()) return malformed("a label runs past the message");
    if (!name.empty()) name += '.';
    for (std::size_t i = 0; i < length; ++i) {
      const char c = static_cast<char>(m[at + 1 + i]);
      // '.' inside a label would make one name read as another.
      if (c == '.' || c == '\0') return malformed("a label holds '.' or NUL");
      name += c;
    }
    at += 1 + length;
  }
  return std::pair{std::move(name), end.value_or(at + 1)};
}

class Writer {
 public:
  void u8(std::uint8_t v) { m_bytes.push_back(v); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v & 0xFF));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v & 0xFFFF));
  }
  // Labels of `name` (each cut at 63 bytes: berth's names are checked DNS names already).
  void name(const std::string& text) {
    for (const auto label : split(text, '.')) {
      if (label.empty()) continue;
      const std::size_t length = std::min<std::size_t>(label.size(), 63);
      u8(static_cast<std::uint8_t>(length));
      m_bytes.insert(m_bytes.end(), label.begin(), label.begin() + static_cast<std::ptrdiff_t>(length));
    }
    u8(0);
  }
  void bytes(std::span<const std::uint8_t> data) { m_bytes.insert(m_bytes.end(), data.begin(), data.end()); }
  void put16(std::size_t at, std::uint16_t v) {
    m_bytes[at] = static_cast<std::uint8_t>(v >> 8);
    m_bytes[at + 1] = static_cast<std::uint8_t>(v & 0xFF);
  }
  std::size_t size() const { return m_bytes.size(); }
  std::span<const std::uint8_t> view() const { return m_bytes; }
  void truncate(std::size_t size) { m_bytes.resize(size); }
  std::vector<std::uint8_t> take() { return std::move(m_bytes); }

 private:
  std::vector<std::uint8_t> m_bytes;
};

std::optional<std::array<std::uint8_t, 4>> ipv4_bytes(const std::string& text) {
  std::array<std::uint8_t, 4> out{};
  std::size_t i = 0;
  for (const auto part : split(text, '.')) {
    if (i == 4) return std::nullopt;
    const auto value = parse_integer_in<int>(part, 0, 255);
    if (!value) return std::nullopt;
    out[i++] = static_cast<std::uint8_t>(*value);
  }
  if (i != 4) return std::nullopt;
  return out;
}

// Header + the question; counts are patched in afterwards.
Writer start_reply(std::uint16_t id, const DnsQuery* query, DnsRcode rcode, bool authoritative) {
  Writer w;
  w.u16(id);
  std::uint16_t flags = 0x8000 | 0x0080;  // QR, RA: berth forwards what is not its own
  if (authoritative) flags |= 0x0400;
  if (query && query->recursion_desired) flags |= 0x0100;
  flags |= static_cast<std::uint16_t>(rcode);
  w.u16(flags);
  w.u16(query ? 1 : 0);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  if (query) {
    w.name(query->name);
    w.u16(query->type);
    w.u16(query->klass);
  }
  return w;
}

// One A record owned by `owner` (nullopt owner = the question's name, by a pointer to it).
void a_record(Writer& w, const std::optional<std::string>& owner, std::uint32_t ttl, const std::array<std::uint8_t, 4>& ip) {
  if (owner) {
    w.name(*owner);
  } else {
    w.u16(0xC000 | k_header_size);
  }
  w.u16(k_dns_type_a);
  w.u16(k_dns_class_in);
  w.u32(ttl);
  w.u16(4);
  w.bytes(ip);
}

}  // namespace

std::optional<std::uint16_t> dns_message_id(std::span<const std::uint8_t> message) {
  if (message.size() < k_header_size) return std::nullopt;
  return read16(message, 0);
}

void set_dns_message_id(std::span<std::uint8_t> message, std::uint16_t id) {
  if (message.size() < k_header_size) return;
  message[0] = static_cast<std::uint8_t>(id >> 8);
  message[1] = static_cast<std::uint8_t>(id & 0xFF);
}

Result<DnsQuery> parse_dns_query(std::span<const std::uint8_t> m) {
  if (m.size() < k_header_size) return malformed("shorter than a header");
  DnsQuery query;
  query.id = read16(m, 0);
  const std::uint16_t flags = read16(m, 2);
  if (flags & 0x8000) return malformed("it is a response");
  if (((flags >> 11) & 0xF) != 0) return fail(Code::unsupported_feature, "only standard queries are answered");
  query.recursion_desired = (flags & 0x0100) != 0;
  if (read16(m, 4) != 1) return malformed("it must ask exactly one question");
  if (read16(m, 6) != 0 || read16(m, 8) != 0) return malformed("a query carries no answers");
  BERTH_ASSIGN(auto name, read_name(m, k_header_size));
  if (name.second + 4 > m.size()) return malformed("the question is cut off");
  query.name = std::move(name.first);
  query.type = read16(m, name.second);
  query.klass = read16(m, name.second + 2);
  query.question_end = name.second + 4;
  return query;
}

std::vector<std::uint8_t> encode_dns_error(std::uint16_t id, const DnsQuery* query, DnsRcode rcode) {
  return start_reply(id, query, rcode, false).take();
}

std::vector<std::uint8_t> encode_dns_answer(const DnsQuery& query, const model::NameAnswer& answer, std::size_t max_bytes) {
  const bool missing = answer.outcome == model::NameAnswer::Outcome::no_such_name;
  Writer w = start_reply(query.id, &query, missing ? DnsRcode::name_error : DnsRcode::no_error, true);
  if (missing || query.klass != k_dns_class_in) return w.take();
  std::uint16_t answers = 0;
  std::uint16_t additional = 0;
  bool truncated = false;
  // Writes one record with `write`; false (and the record undone) if it does not fit.
  const auto fits = [&](const auto& write) {
    const std::size_t before = w.size();
    write();
    if (w.size() <= max_bytes) return true;
    w.truncate(before);
    return false;
  };
  if (query.type == k_dns_type_a) {
    for (const auto& address : answer.ipv4) {
      const auto ip = ipv4_bytes(address);
      if (!ip) continue;
      if (!fits([&] { a_record(w, std::nullopt, answer.ttl, *ip); })) {
        truncated = true;
        break;
      }
      ++answers;
    }
  } else if (query.type == k_dns_type_srv) {
    std::vector<const model::DnsSrv*> written;
    for (const auto& srv : answer.srv) {
      const bool written_whole = fits([&] {
        w.u16(0xC000 | k_header_size);
        w.u16(k_dns_type_srv);
        w.u16(k_dns_class_in);
        w.u32(answer.ttl);
        const std::size_t length_at = w.size();
        w.u16(0);
        w.u16(1);   // priority
        w.u16(10);  // weight: all equal
        w.u16(static_cast<std::uint16_t>(srv.port));
        w.name(srv.target);
        w.put16(length_at, static_cast<std::uint16_t>(w.size() - length_at - 2));
      });
      if (!written_whole) {
        truncated = true;
        break;
      }
      ++answers;
      written.push_back(&srv);
    }
    // The targets' addresses, while they fit: a client needs no second question.
    for (const auto* srv : written) {
      const auto ip = ipv4_bytes(srv->ipv4);
      if (!ip) continue;
      if (!fits([&] { a_record(w, srv->target, answer.ttl, *ip); })) break;
      ++additional;
    }
  }
  w.put16(6, answers);
  w.put16(10, additional);
  if (truncated) w.put16(2, static_cast<std::uint16_t>(read16(w.view(), 2) | k_dns_flag_truncated));
  return w.take();
}

std::vector<std::uint8_t> encode_dns_query(std::uint16_t id, const std::string& name, std::uint16_t type) {
  Writer w;
  w.u16(id);
  w.u16(0x0100);
  w.u16(1);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  w.name(name);
  w.u16(type);
  w.u16(k_dns_class_in);
  return w.take();
}

}  // namespace berth::runtime
