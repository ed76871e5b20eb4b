#include "runtime/container_logging.hpp"

#include "common/numbers.hpp"

namespace berth::runtime {
namespace {

const char* sink_name(LogSink sink) {
  switch (sink) {
    case LogSink::file: return "file";
    case LogSink::none: return "none";
    case LogSink::syslog: return "syslog";
    case LogSink::journald: return "journald";
  }
  return "file";
}

const char* format_name(model::SyslogFormat format) {
  switch (format) {
    case model::SyslogFormat::unix_local: return "unix";
    case model::SyslogFormat::rfc3164: return "rfc3164";
    case model::SyslogFormat::rfc5424: return "rfc5424";
    case model::SyslogFormat::rfc5424micro: return "rfc5424micro";
  }
  return "unix";
}

std::unexpected<Error> bad(const std::string& key, const std::string& value) {
  return fail(Code::invalid_parameter, "shim: " + key + " '" + value + "' is not valid");
}

}  // namespace

std::vector<std::string> container_logging_args(const ContainerLogging& l) {
  std::vector<std::string> out{"--log-sink", sink_name(l.sink)};
  // --log-progress (older saved argument files have only it) waits for the reader; --log-unread counts.
  if (l.sink == LogSink::file && !l.progress_path.empty()) {
    out.insert(out.end(), {l.wait_for_reader ? "--log-progress" : "--log-unread", l.progress_path});
  }
  if (l.sink == LogSink::file || l.sink == LogSink::none) return out;
  out.insert(out.end(), {"--log-mode", l.blocking ? "blocking" : "non-blocking", "--log-buffer",
                         std::to_string(l.max_buffer_bytes), "--log-tag", l.tag});
  if (l.sink == LogSink::syslog) {
    out.insert(out.end(), {"--log-address", model::syslog_address_text(l.syslog), "--log-facility",
                           std::to_string(l.syslog.facility), "--log-format", format_name(l.syslog.format)});
    if (l.syslog.transport == model::SyslogTransport::tcp_tls) {
      out.insert(out.end(), {"--log-tls-ca", l.syslog.tls_ca_cert, "--log-tls-cert", l.syslog.tls_cert, "--log-tls-key",
                             l.syslog.tls_key, "--log-tls-skip-verify", l.syslog.tls_skip_verify ? "true" : "false"});
    }
  } else {
    out.insert(out.end(), {"--log-journal", l.journal_socket, "--log-name", l.container_name, "--log-image", l.image_name});
    for (const auto& [key, value] : l.attributes) out.insert(out.end(), {"--log-attr", key + "=" + value});
  }
  return out;
}

Result<bool> parse_container_logging_arg(ContainerLogging& out, const std::string& key, const std::string& value) {
  if (key == "--log-sink") {
    if (value == "file") out.sink = LogSink::file;
    else if (value == "none") out.sink = LogSink::none;
    else if (value == "syslog") out.sink = LogSink::syslog;
    else if (value == "journald") out.sink = LogSink::journald;
    else return bad(key, value);
  } else if (key == "--log-mode") {
    if (value != "blocking" && value != "non-blocking") return bad(key, value);
    out.blocking = value == "blocking";
  } else if (key == "--log-buffer") {
    const auto bytes = parse_integer_in<std::size_t>(value, 1, std::size_t{1} << 30);
    if (!bytes) return bad(key, value);
    out.max_buffer_bytes = *bytes;
  } else if (key == "--log-tag") {
    out.tag = value;
  } else if (key == "--log-address") {
    if (auto set = model::set_syslog_option(out.syslog, "syslog-address", value); !set) return bad(key, value);
  } else if (key == "--log-facility") {
    if (auto set = model::set_syslog_option(out.syslog, "syslog-facility", value); !set) return bad(key, value);
  } else if (key == "--log-format") {
    if (value == "unix") out.syslog.format = model::SyslogFormat::unix_local;
    else if (auto set = model::set_syslog_option(out.syslog, "syslog-format", value); !set) return bad(key, value);
  } else if (key == "--log-progress") {
    out.progress_path = value;
    out.wait_for_reader = !value.empty();
  } else if (key == "--log-unread") {
    out.progress_path = value;
    out.count_unread = !value.empty();
  } else if (key == "--log-tls-ca" || key == "--log-tls-cert" || key == "--log-tls-key") {
    // Empty: not given; else an absolute path, as RegisterTaskDefinition checked.
    if (!value.empty() && value.front() != '/') return bad(key, value);
    (key == "--log-tls-ca" ? out.syslog.tls_ca_cert : key == "--log-tls-cert" ? out.syslog.tls_cert : out.syslog.tls_key) = value;
  } else if (key == "--log-tls-skip-verify") {
    if (value != "true" && value != "false") return bad(key, value);
    out.syslog.tls_skip_verify = value == "true";
  } else if (key == "--log-journal") {
    out.journal_socket = value;
  } else if (key == "--log-name") {
    out.container_name = value;
  } else if (key == "--log-image") {
    out.image_name = value;
  } else if (key == "--log-attr") {
    // A journal field name, as the agent mapped it: never empty, no '=' or newline in it.
    const auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0 || value.substr(0, eq).find('\n') != std::string::npos) return bad(key, value);
    out.attributes[value.substr(0, eq)] = value.substr(eq + 1);
  } else {
    return false;
  }
  return true;
}

}  // namespace berth::runtime
