#include "store/log_segment.hpp"

#include <cstring>
#include <sstream>

#include "common/numbers.hpp"
#include "common/split.hpp"

namespace berth::store {
namespace {

std::uint32_t fnv1a(std::string_view bytes) {
  std::uint32_t hash = 2166136261u;
  for (const unsigned char c : bytes) hash = (hash ^ c) * 16777619u;
  return hash;
}

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) bytes[i] = static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff);
  out.append(bytes, sizeof bytes);
}

template <class T>
T get(std::string_view bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) value |= std::uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  return static_cast<T>(value);
}

}  // namespace

void encode_log_record(const LogRecord& record, std::string& out) {
  const std::size_t start = out.size();
  put<std::uint32_t>(out, static_cast<std::uint32_t>(record.message.size()));
  put<std::uint32_t>(out, record.stream);
  put<std::int64_t>(out, record.timestamp);
  put<std::int64_t>(out, record.ingestion);
  put<std::int64_t>(out, record.source_ns);
  out.append(record.message);
  put<std::uint32_t>(out, fnv1a(std::string_view(out).substr(start)));
}

std::size_t scan_log_records(std::string_view bytes, std::uint64_t base,
                             const std::function<bool(const LogRecord&, std::uint64_t)>& visit) {
  std::size_t at = 0;
  while (bytes.size() - at >= k_log_record_overhead) {
    const auto length = get<std::uint32_t>(bytes, at);
    if (length > k_max_log_message || bytes.size() - at < k_log_record_overhead + length) break;
    const std::size_t body = k_log_record_overhead - 4 + length;
    if (get<std::uint32_t>(bytes, at + body) != fnv1a(bytes.substr(at, body))) break;
    LogRecord record{get<std::uint32_t>(bytes, at + 4), get<std::int64_t>(bytes, at + 8), get<std::int64_t>(bytes, at + 16),
                     get<std::int64_t>(bytes, at + 24), bytes.substr(at + 32, length)};
    const std::size_t offset = at;
    at += body + 4;
    if (!visit(record, base + offset)) break;
  }
  return at;
}

void SegmentSummary::add(const LogRecord& record) {
  if (streams.empty() || record.timestamp < min_ts) min_ts = record.timestamp;
  if (streams.empty() || record.timestamp > max_ts) max_ts = record.timestamp;
  auto [it, fresh] = streams.try_emplace(record.stream);
  StreamRange& range = it->second;
  if (fresh || record.timestamp < range.first) range.first = record.timestamp;
  if (fresh || record.timestamp > range.last) range.last = record.timestamp;
  range.last_ingestion = std::max(range.last_ingestion, record.ingestion);
  ++range.count;
  range.bytes += record.message.size();
  if (record.source_ns > range.last_source_ns) {
    range.last_source_ns = record.source_ns;
    range.at_last_source_ns = 1;
  } else if (record.source_ns != 0 && record.source_ns == range.last_source_ns) {
    ++range.at_last_source_ns;
  }
  bytes += k_log_record_overhead + record.message.size();
}

std::string encode_summary(const SegmentSummary& s) {
  std::ostringstream out;
  out << "v1 " << s.seq << ' ' << s.bytes << ' ' << s.min_ts << ' ' << s.max_ts;
  for (const auto& [id, r] : s.streams) {
    out << ' ' << id << ':' << r.first << ':' << r.last << ':' << r.last_ingestion << ':' << r.count << ':' << r.bytes
        << ':' << r.last_source_ns << ':' << r.at_last_source_ns;
  }
  out << '\n';
  return out.str();
}

std::optional<SegmentSummary> decode_summary(std::string_view text) {
  const auto words = split(trim(text), ' ');
  if (words.size() < 5 || words[0] != "v1") return std::nullopt;
  SegmentSummary s;
  const auto seq = parse_integer<std::uint64_t>(words[1]);
  const auto bytes = parse_integer<std::uint64_t>(words[2]);
  const auto min_ts = parse_integer<std::int64_t>(words[3]);
  const auto max_ts = parse_integer<std::int64_t>(words[4]);
  if (!seq || !bytes || !min_ts || !max_ts) return std::nullopt;
  s.seq = *seq, s.bytes = *bytes, s.min_ts = *min_ts, s.max_ts = *max_ts;
  for (std::size_t i = 5; i < words.size(); ++i) {
    const auto parts = split(words[i], ':');
    if (parts.size() != 8) return std::nullopt;
    const auto id = parse_integer<std::uint32_t>(parts[0]);
    const auto first = parse_integer<std::int64_t>(parts[1]);
    const auto last = parse_integer<std::int64_t>(parts[2]);
    const auto ingestion = parse_integer<std::int64_t>(parts[3]);
    const auto count = parse_integer<std::uint64_t>(parts[4]);
    const auto stored = parse_integer<std::uint64_t>(parts[5]);
    const auto source = parse_integer<std::int64_t>(parts[6]);
    const auto at_source = parse_integer<std::uint32_t>(parts[7]);
    if (!id || !first || !last || !ingestion || !count || !stored || !source || !at_source) return std::nullopt;
    s.streams[*id] = StreamRange{*first, *last, *ingestion, *count, *stored, *source, *at_source};
  }
  return s;
}

}  // namespace berth::store
