// The syslog and journald logConfiguration drivers' options, as Docker's drivers define them:
// syslog-address (unixgram:// unix:// udp:// tcp://, default the host's /dev/log),
// syslog-facility, syslog-format, and for both `tag` (Docker's {{.ID}}-style templates). Checked at
// RegisterTaskDefinition; the shim sends the lines. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::model {

enum class SyslogTransport { unixgram, unix_stream, udp, tcp };
// Docker's syslog-format values: "" (its Unix format), rfc3164, rfc5424, rfc5424micro.
enum class SyslogFormat { unix_local, rfc3164, rfc5424, rfc5424micro };

struct SyslogOptions {
  // Without syslog-address: the host's local syslog, /dev/log (as Docker tries first).
  SyslogTransport transport = SyslogTransport::unixgram;
  std::string path = "/dev/log";  // unixgram / unix_stream
  std::string host;  // udp / tcp
  int port = 514;
  int facility = 3;  // daemon, Docker's default
  SyslogFormat format = SyslogFormat::unix_local;
};

// Sets `out` from one syslog-address, syslog-facility or syslog-format value. Returns false
// when `key` is none of those; ClientException naming the option when `value` is malformed.
[[nodiscard]] Result<bool> set_syslog_option(SyslogOptions& out, const std::string& key, const std::string& value);

// Returns the socket address as Docker writes it ("unixgram:///dev/log", "udp://10.0.0.1:514").
std::string syslog_address_text(const SyslogOptions& options);

// The fields a `tag` template may name, as Docker's: {{.ID}} (12 characters), {{.FullID}},
// {{.Name}}, {{.ImageName}}, {{.DaemonName}}.
struct LogTagFields {
  std::string full_id;
  std::string name;
  std::string image_name;
};

// ClientException when `tag` names a template field berth does not know (checked at registration).
[[nodiscard]] Result<void> check_log_tag(std::string_view tag);
// Returns `tag` with its templates replaced; "" = Docker's default, {{.ID}}.
std::string expand_log_tag(std::string_view tag, const LogTagFields& fields);

}  // namespace berth::model
