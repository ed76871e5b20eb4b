#include "model/host_log_drivers.hpp"

#include <array>
#include <utility>

#include "common/numbers.hpp"

namespace berth::model {
namespace {

// RFC 5424's facility codes under the names Docker's syslog-facility takes.
constexpr std::array<std::pair<std::string_view, int>, 20> k_facilities{{
    {"kern", 0},    {"user", 1},    {"mail", 2},    {"daemon", 3},  {"auth", 4},    {"syslog", 5},   {"lpr", 6},
    {"news", 7},    {"uucp", 8},    {"cron", 9},    {"authpriv", 10}, {"ftp", 11},  {"local0", 16},  {"local1", 17},
    {"local2", 18}, {"local3", 19}, {"local4", 20}, {"local5", 21}, {"local6", 22}, {"local7", 23},
}};

std::unexpected<Error> refuse(const std::string& what) { return fail(Code::client, what); }

Result<void> set_address(SyslogOptions& out, const std::string& value) {
  const auto scheme_end = value.find("://");
  if (scheme_end == std::string::npos) {
    return refuse("logConfiguration.options 'syslog-address' '" + value +
                  "' must be unixgram://PATH, unix://PATH, udp://HOST[:PORT], tcp://HOST[:PORT] or tcp+tls://HOST[:PORT].");
  }
  const std::string scheme = value.substr(0, scheme_end);
  const std::string rest = value.substr(scheme_end + 3);
  if (scheme == "unix" || scheme == "unixgram") {
    if (rest.empty() || rest.front() != '/' || rest.size() > 107) {
      return refuse("logConfiguration.options 'syslog-address' needs an absolute socket path of at most 107 bytes.");
    }
    out.transport = scheme == "unix" ? SyslogTransport::unix_stream : SyslogTransport::unixgram;
    out.path = rest;
    return {};
  }
  if (scheme != "udp" && scheme != "tcp" && scheme != "tcp+tls") {
    return refuse("logConfiguration.options 'syslog-address' scheme '" + scheme + "' is not unixgram, unix, udp, tcp or tcp+tls.");
  }
  out.transport = scheme == "udp" ? SyslogTransport::udp : scheme == "tcp" ? SyslogTransport::tcp : SyslogTransport::tcp_tls;
  std::string host = rest;
  // "[v6]:port", "host:port", "host".
  std::string port_text;
  if (host.starts_with("[")) {
    const auto close = host.find(']');
    if (close == std::string::npos) return refuse("logConfiguration.options 'syslog-address' has an unclosed '['.");
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return refuse("logConfiguration.options 'syslog-address' has text after ']'.");
      port_text = host.substr(close + 2);
    }
    host = host.substr(1, close - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
    port_text = host.substr(colon + 1);
    host.resize(colon);
  }
  if (host.empty() || host.size() > 253 || host.find_first_of("/?#@ ") != std::string::npos) {
    return refuse("logConfiguration.options 'syslog-address' '" + value + "' has no valid host.");
  }
  if (!port_text.empty()) {
    const auto port = parse_integer_in<int>(port_text, 1, 65535);
    if (!port) return refuse("logConfiguration.options 'syslog-address' port '" + port_text + "' is not 1-65535.");
    out.port = *port;
  }
  out.host = host;
  return {};
}

// A file the shim reads on the host: an absolute path (the shim's working directory is not the
// task definition's business).
Result<void> set_host_file(std::string& out, const std::string& key, const std::string& value) {
  if (value.empty() || value.front() != '/' || value.size() > 4096 || value.find('\0') != std::string::npos) {
    return refuse("logConfiguration.options '" + key + "' must be an absolute path on the host, not '" + value + "'.");
  }
  out = value;
  return {};
}

}  // namespace

Result<void> check_syslog_options(const SyslogOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return refuse("logConfiguration.options 'syslog-tls-cert' and 'syslog-tls-key' go together: a client certificate needs its key.");
  }
  return {};
}

Result<bool> set_syslog_option(SyslogOptions& out, const std::string& key, const std::string& value) {
  if (key == "syslog-address") {
    BERTH_TRY(set_address(out, value));
    return true;
  }
  if (key == "syslog-facility") {
    for (const auto& [name, code] : k_facilities) {
      if (value == name) {
        out.facility = code;
        return true;
      }
    }
    if (const auto code = parse_integer_in<int>(value, 0, 23)) {
      out.facility = *code;
      return true;
    }
    return refuse("logConfiguration.options 'syslog-facility' '" + value + "' is not a syslog facility (daemon, user, local0..local7, ...).");
  }
  if (key == "syslog-tls-ca-cert" || key == "syslog-tls-cert" || key == "syslog-tls-key") {
    BERTH_TRY(set_host_file(key == "syslog-tls-ca-cert" ? out.tls_ca_cert : key == "syslog-tls-cert" ? out.tls_cert : out.tls_key,
                            key, value));
    return true;
  }
  if (key == "syslog-tls-skip-verify") {
    out.tls_skip_verify = true;  // Docker's driver looks only at whether the key is there
    return true;
  }
  if (key == "syslog-format") {
    if (value == "rfc3164") out.format = SyslogFormat::rfc3164;
    else if (value == "rfc5424") out.format = SyslogFormat::rfc5424;
    else if (value == "rfc5424micro") out.format = SyslogFormat::rfc5424micro;
    else return refuse("logConfiguration.options 'syslog-format' must be rfc3164, rfc5424 or rfc5424micro, not '" + value + "'.");
    return true;
  }
  return false;
}

std::string syslog_address_text(const SyslogOptions& o) {
  switch (o.transport) {
    case SyslogTransport::unixgram: return "unixgram://" + o.path;
    case SyslogTransport::unix_stream: return "unix://" + o.path;
    case SyslogTransport::udp: return "udp://" + o.host + ":" + std::to_string(o.port);
    case SyslogTransport::tcp: return "tcp://" + o.host + ":" + std::to_string(o.port);
    case SyslogTransport::tcp_tls: return "tcp+tls://" + o.host + ":" + std::to_string(o.port);
  }
  return "";
}

}  // namespace berth::model
