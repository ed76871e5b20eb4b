#include "runtime/shim/host_log_format.hpp"

#include <cstdio>
#include <ctime>

#include "common/civil_time.hpp"
#include "common/rfc3339.hpp"

namespace berth::runtime {
namespace {

// Appends Go's time.Stamp, "Jan _2 15:04:05", which Docker's Unix and RFC 3164 formats use.
void append_stamp(std::string& out, std::int64_t epoch_us, bool utc) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_us / 1'000'000);
  std::tm tm{};
  if (utc) gmtime_r(&seconds, &tm);
  else localtime_r(&seconds, &tm);
  char buffer[32];
  out.append(buffer, std::strftime(buffer, sizeof buffer, "%b %e %H:%M:%S", &tm));
}

// Appends RFC 3339 in UTC, with microseconds for rfc5424micro.
void append_rfc3339(std::string& out, std::int64_t epoch_us, bool micro) {
  out += micro ? rfc3339_utc(epoch_us, 6) : rfc3339_utc(floor_div(epoch_us, 1'000'000), 0);
}

void add_field(std::string& out, std::string_view key, std::string_view value) {
  if (value.find('\n') == std::string_view::npos) {
    out.append(key).append("=").append(value).append("\n");
    return;
  }
  out.append(key).append("\n");
  std::uint64_t length = value.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  out.append(value).append("\n");
}

}  // namespace

// Called once per line on the shim's loop: the message is built in one string, reserved up front.
std::string format_syslog(const SyslogHeader& h, bool error, std::string_view line, std::int64_t epoch_us) {
  const std::string pid = std::to_string(h.pid);  // short: no allocation
  std::string out;
  out.reserve(64 + h.hostname.size() + 2 * h.tag.size() + line.size());
  out.append("<").append(std::to_string(h.facility * 8 + (error ? 3 : 6))).append(">");
  switch (h.format) {
    case model::SyslogFormat::unix_local:
      append_stamp(out, epoch_us, h.utc);
      out.append(" ").append(h.tag).append("[").append(pid).append("]: ");
      break;
    case model::SyslogFormat::rfc3164:
      append_stamp(out, epoch_us, h.utc);
      out.append(" ").append(h.hostname).append(" ").append(h.tag).append("[").append(pid).append("]: ");
      break;
    case model::SyslogFormat::rfc5424:
    case model::SyslogFormat::rfc5424micro:
      // Docker's rfc5424formatterWithAppNameAsTag: the tag is APP-NAME and MSGID, no structured data.
      out.append("1 ");
      append_rfc3339(out, epoch_us, h.format == model::SyslogFormat::rfc5424micro);
      out.append(" ").append(h.hostname).append(" ").append(h.tag).append(" ").append(pid);
      out.append(" ").append(h.tag).append(" - ");
      break;
  }
  out.append(line);
  out.push_back('\n');
  if (h.octet_counted) out.insert(0, std::to_string(out.size()) + " ");
  return out;
}

bool syslog_octet_counted(model::SyslogTransport transport, model::SyslogFormat format) {
  return transport == model::SyslogTransport::tcp_tls &&
         (format == model::SyslogFormat::rfc5424 || format == model::SyslogFormat::rfc5424micro);
}

std::string format_journal_entry(const JournalFields& f, bool error, bool partial, std::string_view line) {
  std::string out;
  const auto add = [&](std::string_view key, std::string_view value) {
    if (!f.extra.contains(std::string(key))) add_field(out, key, value);
  };
  add_field(out, "MESSAGE", line);
  add_field(out, "PRIORITY", error ? "3" : "6");
  add("SYSLOG_IDENTIFIER", f.tag);
  add("CONTAINER_TAG", f.tag);
  add("CONTAINER_ID", std::string_view(f.full_id).substr(0, 12));
  add("CONTAINER_ID_FULL", f.full_id);
  add("CONTAINER_NAME", f.name);
  if (!f.image_name.empty()) add("IMAGE_NAME", f.image_name);
  if (partial) add_field(out, "CONTAINER_PARTIAL_MESSAGE", "true");
  for (const auto& [key, value] : f.extra) {
    if (!(partial && key == "CONTAINER_PARTIAL_MESSAGE")) add_field(out, key, value);  // Docker sets it after them
  }
  return out;
}

}  // namespace berth::runtime
