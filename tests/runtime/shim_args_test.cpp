#include "runtime/shim/shim.hpp"

#include <catch2/catch.hpp>

namespace shim_args_test {

using namespace berth::runtime;

namespace {

// The fields parse_shim_args requires.
ShimOptions required_options() {
  ShimOptions options;
  options.id = "t-main";
  options.bundle = options.state_dir = "/run/berth/containers/t-main";
  options.runc_root = "/run/berth/runc";
  options.log_path = "/var/lib/berth/logs/t-main.log";
  return options;
}

// What a restarted shim parses from the words berth saved for `options` (the verb left off).
berth::Result<ShimOptions> round_trip(const ShimOptions& options) {
  const auto words = shim_args(options);
  return parse_shim_args({words.begin() + 1, words.end()});
}

// Words saved by an older berth: the required arguments only, then `extra`.
std::vector<std::string> older_words(std::vector<std::string> extra = {}) {
  std::vector<std::string> words{"--id", "t-main", "--bundle", "/b", "--state", "/s", "--runc-root", "/r", "--log", "/l"};
  words.insert(words.end(), extra.begin(), extra.end());
  return words;
}

}  // namespace

TEST_CASE("shim arguments carry the terminal and stdin settings through a restart", "[runtime][attach]") {
  ShimOptions options = required_options();
  options.terminal = true;
  options.open_stdin = true;
  auto parsed = round_trip(options);
  REQUIRE(parsed.has_value());
  CHECK(parsed->terminal);
  CHECK(parsed->open_stdin);
  CHECK(parsed->id == "t-main");

  // Saved by a berth from before terminals: neither.
  auto older = parse_shim_args(older_words());
  REQUIRE(older.has_value());
  CHECK_FALSE(older->terminal);
  CHECK_FALSE(older->open_stdin);
  CHECK_FALSE(parse_shim_args(older_words({"--terminal", "yes"})).has_value());
}

TEST_CASE("shim arguments carry the log sink through a restart", "[runtime][logs]") {
  ShimOptions options = required_options();
  options.logging.sink = LogSink::syslog;
  options.logging.blocking = true;
  options.logging.max_buffer_bytes = 4096;
  options.logging.tag = "web main";
  options.logging.syslog.transport = berth::model::SyslogTransport::udp;
  options.logging.syslog.host = "10.1.2.3";
  options.logging.syslog.port = 5514;
  options.logging.syslog.facility = 17;
  options.logging.syslog.format = berth::model::SyslogFormat::rfc3164;
  auto parsed = round_trip(options);
  REQUIRE(parsed.has_value());
  CHECK(parsed->logging.sink == LogSink::syslog);
  CHECK(parsed->logging.blocking);
  CHECK(parsed->logging.max_buffer_bytes == 4096);
  CHECK(parsed->logging.tag == "web main");
  CHECK(parsed->logging.syslog.transport == berth::model::SyslogTransport::udp);
  CHECK(parsed->logging.syslog.host == "10.1.2.3");
  CHECK(parsed->logging.syslog.port == 5514);
  CHECK(parsed->logging.syslog.facility == 17);
  CHECK(parsed->logging.syslog.format == berth::model::SyslogFormat::rfc3164);

  // Syslog over TLS: its files and skip-verify.
  options.logging.syslog.transport = berth::model::SyslogTransport::tcp_tls;
  options.logging.syslog.tls_ca_cert = "/etc/ssl/ca.pem";
  options.logging.syslog.tls_cert = "/etc/berth/c.pem";
  options.logging.syslog.tls_key = "/etc/berth/c.key";
  options.logging.syslog.tls_skip_verify = true;
  auto tls = round_trip(options);
  REQUIRE(tls.has_value());
  CHECK(tls->logging.syslog.transport == berth::model::SyslogTransport::tcp_tls);
  CHECK(tls->logging.syslog.host == "10.1.2.3");
  CHECK(tls->logging.syslog.tls_ca_cert == "/etc/ssl/ca.pem");
  CHECK(tls->logging.syslog.tls_cert == "/etc/berth/c.pem");
  CHECK(tls->logging.syslog.tls_key == "/etc/berth/c.key");
  CHECK(tls->logging.syslog.tls_skip_verify);
  CHECK_FALSE(parse_shim_args(older_words({"--log-tls-ca", "relative.pem"})).has_value());

  // awslogs' file: blocking waits for the reader, non-blocking counts what it rotates away unread.
  options.logging = {};
  options.logging.progress_path = "/run/berth/containers/t-main/log-progress";
  options.logging.count_unread = true;
  auto counting = round_trip(options);
  REQUIRE(counting.has_value());
  CHECK(counting->logging.count_unread);
  CHECK_FALSE(counting->logging.wait_for_reader);
  CHECK(counting->logging.progress_path == options.logging.progress_path);
  options.logging.count_unread = false;
  options.logging.wait_for_reader = true;
  auto waiting = round_trip(options);
  REQUIRE(waiting.has_value());
  CHECK(waiting->logging.wait_for_reader);
  CHECK_FALSE(waiting->logging.count_unread);

  // journald: the labels/env fields (a value may hold '=' and newlines).
  options.logging = {};
  options.logging.sink = LogSink::journald;
  options.logging.journal_socket = "/run/systemd/journal/socket";
  options.logging.attributes = {{"COM_EXAMPLE_TIER", "front"}, {"NOTE", "a=b\nc"}};
  auto journald = round_trip(options);
  REQUIRE(journald.has_value());
  CHECK(journald->logging.attributes == options.logging.attributes);
  CHECK_FALSE(parse_shim_args(older_words({"--log-attr", "=x"})).has_value());
  CHECK_FALSE(parse_shim_args(older_words({"--log-attr", "NOVALUE"})).has_value());

  options.logging = {};
  options.logging.sink = LogSink::none;
  auto none = round_trip(options);
  REQUIRE(none.has_value());
  CHECK(none->logging.sink == LogSink::none);
  // Saved by a berth from before log sinks: the file.
  auto older = parse_shim_args(older_words());
  REQUIRE(older.has_value());
  CHECK(older->logging.sink == LogSink::file);
  CHECK_FALSE(parse_shim_args(older_words({"--log-buffer", "12x"})).has_value());
}

}  // namespace shim_args_test
