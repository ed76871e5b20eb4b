// The syslog and journald logConfiguration drivers' options, as Docker's drivers define them:
// syslog-address (unixgram:// unix:// udp:// tcp:// tcp+tls://, default the host's /dev/log),
// syslog-facility, syslog-format, syslog-tls-ca-cert, syslog-tls-cert, syslog-tls-key,
// syslog-tls-skip-verify (`tag` is model/log_tag.hpp's). Checked at RegisterTaskDefinition; the
// shim sends the lines. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::model {

enum class SyslogTransport { unixgram, unix_stream, udp, tcp, tcp_tls };
// Docker's syslog-format values: "" (its Unix format), rfc3164, rfc5424, rfc5424micro.
enum class SyslogFormat { unix_local, rfc3164, rfc5424, rfc5424micro };

struct SyslogOptions {
  // Without syslog-address: the host's local syslog, /dev/log (as Docker tries first).
  SyslogTransport transport = SyslogTransport::unixgram;
  std::string path = "/dev/log";  // unixgram / unix_stream
  std::string host;  // udp / tcp / tcp_tls
  int port = 514;
  // tcp_tls (files on the host, read by the shim at each connection; Docker ignores them for the
  // other transports, and so does berth): the CAs the server's certificate must chain to (else
  // the system's), a client certificate and its key (both or neither), and whether the server's
  // certificate is not checked at all (syslog-tls-skip-verify: set by its presence, as Docker's).
  std::string tls_ca_cert;
  std::string tls_cert;
  std::string tls_key;
  bool tls_skip_verify = false;
  int facility = 3;  // daemon, Docker's default
  SyslogFormat format = SyslogFormat::unix_local;
};

// Sets `out` from one syslog-address, syslog-facility, syslog-format or syslog-tls-* value.
// Returns false when `key` is none of those; ClientException naming the option when `value` is
// malformed.
[[nodiscard]] Result<bool> set_syslog_option(SyslogOptions& out, const std::string& key, const std::string& value);
// ClientException when the options set together do not fit (a TLS client certificate without its
// key, or the reverse).
[[nodiscard]] Result<void> check_syslog_options(const SyslogOptions& options);

// Returns the socket address as Docker writes it ("unixgram:///dev/log", "udp://10.0.0.1:514").
std::string syslog_address_text(const SyslogOptions& options);

}  // namespace berth::model
