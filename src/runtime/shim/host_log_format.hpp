// How the shim writes a container's line for the host's loggers, as Docker's drivers do: a
// syslog message in the format syslog-format names (Docker's Unix default, RFC 3164, RFC 5424,
// RFC 5424 with microseconds), and a journald entry in the journal's native protocol. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "model/host_log_drivers.hpp"

namespace berth::runtime {

struct SyslogHeader {
  int facility = 3;
  model::SyslogFormat format = model::SyslogFormat::unix_local;
  std::string hostname;
  std::string tag;
  int pid = 0;
  bool utc = false;  // RFC 3164 and Unix stamps in UTC instead of local time (tests)
  // RFC 5425's octet counting, "LEN MSG": Docker's framing of rfc5424 and rfc5424micro over
  // tcp+tls (every other combination is the message alone, ending in "\n").
  bool octet_counted = false;
};

// Whether Docker frames `format` over `transport` by octet counting.
bool syslog_octet_counted(model::SyslogTransport transport, model::SyslogFormat format);

// Returns the message for one line of output at `epoch_us`: severity err (3) for stderr, info (6)
// for stdout, as Docker's driver; it ends with "\n" (Docker's syslog client adds it), and is
// preceded by its length and a space when octet_counted.
std::string format_syslog(const SyslogHeader& header, bool error, std::string_view line, std::int64_t epoch_us);

struct JournalFields {
  std::string tag;         // SYSLOG_IDENTIFIER, CONTAINER_TAG
  std::string full_id;     // CONTAINER_ID_FULL (CONTAINER_ID: its first 12 characters)
  std::string name;        // CONTAINER_NAME
  std::string image_name;  // IMAGE_NAME
  // The labels/env options' fields; one named as a field above replaces it, as in Docker's driver
  // (its map of fields takes them last).
  std::map<std::string, std::string> extra = {};
};

// Returns one datagram of the journal's native protocol: "KEY=value\n" per field, a value holding
// a newline as "KEY\n<64-bit little-endian length><value>\n". PRIORITY 3 for stderr, 6 for stdout;
// `partial` adds CONTAINER_PARTIAL_MESSAGE=true (a line the shim split), as Docker's driver.
std::string format_journal_entry(const JournalFields& fields, bool error, bool partial, std::string_view line);

}  // namespace berth::runtime
