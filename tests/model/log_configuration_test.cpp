#include "model/log_configuration.hpp"

#include <catch2/catch.hpp>

using berth::model::Json;
using berth::model::LogDriver;
using berth::model::parse_log_configuration;

namespace {

std::string refusal(const Json& log) {
  auto parsed = parse_log_configuration(log);
  return parsed ? "" : parsed.error().message;
}

}  // namespace

TEST_CASE("awslogs takes Docker's awslogs options", "[model][logs]") {
  auto log = parse_log_configuration(Json{{"logDriver", "awslogs"},
                                          {"options",
                                           {{"awslogs-group", "ecs/demo/web"},
                                            {"awslogs-region", "eu-west-1"},
                                            {"awslogs-stream-prefix", "web"},
                                            {"awslogs-create-group", "true"},
                                            {"mode", "non-blocking"},
                                            {"max-buffer-size", "4m"},
                                            {"awslogs-multiline-pattern", "^\\S"}}}});
  REQUIRE(log);
  CHECK(log->driver == LogDriver::awslogs);
  CHECK(log->awslogs.group == "ecs/demo/web");
  CHECK(log->awslogs.region == "eu-west-1");
  CHECK(log->awslogs.create_group);
  CHECK_FALSE(log->blocking);
  CHECK(log->max_buffer_bytes == 4u << 20);
  CHECK(log->awslogs.multiline_pattern == "^\\S");
  CHECK(berth::model::awslogs_stream_name(log->awslogs, "main", "0123abcd", "0123abcd-main") == "web/main/0123abcd");
  log->awslogs.stream_prefix.clear();
  CHECK(berth::model::awslogs_stream_name(log->awslogs, "main", "0123abcd", "0123abcd-main") == "0123abcd-main");
}

TEST_CASE("logConfiguration refusals name the driver or the option", "[model][logs]") {
  CHECK(refusal({{"logDriver", "fluentd"}}) ==
        "Log driver fluentd is not supported by berth. Supported log drivers: awslogs, journald, json-file, none, syslog.");
  CHECK(refusal({{"logDriver", "nonsense"}}).starts_with("Log driver nonsense is not supported"));
  CHECK(refusal({{"logDriver", "none"}}) == "");
  CHECK(refusal({{"logDriver", "json-file"}}) == "");
  CHECK(refusal({{"logDriver", "awslogs"}, {"options", {{"awslogs-group", "bad group"}}}}).find("awslogs-group") !=
        std::string::npos);
  CHECK(refusal({{"logDriver", "awslogs"}, {"options", {{"awslogs-group", "g"}, {"mode", "sometimes"}}}}) ==
        "logConfiguration.options 'mode' must be blocking or non-blocking, not 'sometimes'.");
  CHECK(refusal({{"logDriver", "awslogs"}, {"options", {{"awslogs-group", "g"}, {"max-buffer-size", "lots"}}}})
            .starts_with("logConfiguration.options 'max-buffer-size' 'lots'"));
  CHECK(refusal({{"logDriver", "awslogs"}, {"options", {{"awslogs-group", "g"}, {"awslogs-create-group", "yes"}}}}) ==
        "logConfiguration.options 'awslogs-create-group' must be true or false, not 'yes'.");
  CHECK(refusal({{"logDriver", "awslogs"},
                 {"options", {{"awslogs-group", "g"}, {"awslogs-datetime-format", "%Y"}, {"awslogs-multiline-pattern", "x"}}}})
            .find("cannot both be set") != std::string::npos);
  CHECK(refusal({{"logDriver", "awslogs"}, {"options", {{"awslogs-group", "g"}, {"mode", "blocking"}, {"max-buffer-size", "1m"}}}})
            .find("non-blocking only") != std::string::npos);
}

TEST_CASE("syslog and journald take Docker's options for them", "[model][logs]") {
  using berth::model::SyslogFormat;
  using berth::model::SyslogTransport;
  auto local = parse_log_configuration(Json{{"logDriver", "syslog"}});
  REQUIRE(local);
  CHECK(local->driver == LogDriver::syslog);
  CHECK(local->syslog.transport == SyslogTransport::unixgram);
  CHECK(local->syslog.path == "/dev/log");
  CHECK(local->syslog.facility == 3);
  CHECK_FALSE(local->blocking);

  auto udp = parse_log_configuration(Json{{"logDriver", "syslog"},
                                          {"options",
                                           {{"syslog-address", "udp://10.0.0.9:5514"},
                                            {"syslog-facility", "local3"},
                                            {"syslog-format", "rfc5424micro"},
                                            {"tag", "web-{{.Name}}"},
                                            {"mode", "blocking"}}}});
  REQUIRE(udp);
  CHECK(udp->syslog.transport == SyslogTransport::udp);
  CHECK(udp->syslog.host == "10.0.0.9");
  CHECK(udp->syslog.port == 5514);
  CHECK(udp->syslog.facility == 19);
  CHECK(udp->syslog.format == SyslogFormat::rfc5424micro);
  CHECK(udp->blocking);
  CHECK(udp->tag == "web-{{.Name}}");
  CHECK(berth::model::syslog_address_text(udp->syslog) == "udp://10.0.0.9:5514");

  auto tcp = parse_log_configuration(Json{{"logDriver", "syslog"}, {"options", {{"syslog-address", "tcp://[::1]"}}}});
  REQUIRE(tcp);
  CHECK(tcp->syslog.host == "::1");
  CHECK(tcp->syslog.port == 514);
  auto stream = parse_log_configuration(Json{{"logDriver", "syslog"}, {"options", {{"syslog-address", "unix:///run/syslog.sock"}}}});
  REQUIRE(stream);
  CHECK(stream->syslog.transport == SyslogTransport::unix_stream);
  CHECK(stream->syslog.path == "/run/syslog.sock");

  auto journald = parse_log_configuration(Json{{"logDriver", "journald"}, {"options", {{"tag", "{{.ImageName}}"}, {"max-buffer-size", "64k"}}}});
  REQUIRE(journald);
  CHECK(journald->driver == LogDriver::journald);
  CHECK(journald->max_buffer_bytes == 64u << 10);

  auto tls = parse_log_configuration(Json{{"logDriver", "syslog"}, {"options", {
      {"syslog-address", "tcp+tls://logs.example:6514"}, {"syslog-tls-ca-cert", "/etc/ssl/logs-ca.pem"},
      {"syslog-tls-cert", "/etc/berth/c.pem"}, {"syslog-tls-key", "/etc/berth/c.key"}, {"syslog-tls-skip-verify", ""}}}});
  REQUIRE(tls);
  CHECK(tls->syslog.transport == SyslogTransport::tcp_tls);
  CHECK(tls->syslog.host == "logs.example");
  CHECK(tls->syslog.port == 6514);
  CHECK(tls->syslog.tls_ca_cert == "/etc/ssl/logs-ca.pem");
  CHECK(tls->syslog.tls_cert == "/etc/berth/c.pem");
  CHECK(tls->syslog.tls_key == "/etc/berth/c.key");
  CHECK(tls->syslog.tls_skip_verify);  // by its presence, as Docker's
  CHECK(berth::model::syslog_address_text(tls->syslog) == "tcp+tls://logs.example:6514");
  auto tls_default = parse_log_configuration(Json{{"logDriver", "syslog"}, {"options", {{"syslog-address", "tcp+tls://10.0.0.5"}}}});
  REQUIRE(tls_default);
  CHECK(tls_default->syslog.port == 514);  // Docker's default port for every network scheme
  CHECK_FALSE(tls_default->syslog.tls_skip_verify);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"syslog-address", "tcp+tls://h"}, {"syslog-tls-cert", "/c.pem"}}}}) ==
        "logConfiguration.options 'syslog-tls-cert' and 'syslog-tls-key' go together: a client certificate needs its key.");
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"syslog-tls-key", "/k"}}}}).find("go together") != std::string::npos);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"syslog-tls-ca-cert", "ca.pem"}}}}) ==
        "logConfiguration.options 'syslog-tls-ca-cert' must be an absolute path on the host, not 'ca.pem'.");
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"syslog-address", "tls://h"}}}}).find("scheme 'tls'") != std::string::npos);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"syslog-address", "udp://h:70000"}}}}).find("port '70000'") != std::string::npos);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"syslog-address", "/dev/log"}}}}).find("syslog-address") != std::string::npos);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"syslog-address", "unixgram://relative"}}}}).find("absolute") != std::string::npos);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"syslog-facility", "local9"}}}}).find("syslog-facility") != std::string::npos);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"syslog-format", "rfc9999"}}}}).find("syslog-format") != std::string::npos);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"labels", "a"}}}}) ==
        "logConfiguration.options 'labels' is not a syslog option berth knows (syslog-address, syslog-facility, "
        "syslog-format, syslog-tls-ca-cert, syslog-tls-cert, syslog-tls-key, syslog-tls-skip-verify, tag, mode, "
        "max-buffer-size).");
  CHECK(refusal({{"logDriver", "journald"}, {"options", {{"labels", "a"}}}}).find("not a journald option") != std::string::npos);
  CHECK(refusal({{"logDriver", "journald"}, {"options", {{"tag", "{{.Hostname}}"}}}}).find("tag templates") != std::string::npos);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"mode", "blocking"}, {"max-buffer-size", "1m"}}}}).find("non-blocking only") !=
        std::string::npos);
}

TEST_CASE("log tags expand Docker's template fields", "[model][logs]") {
  const berth::model::LogTagFields fields{"0123456789abcdef0123456789abcdef-web", "web", "busybox:1"};
  CHECK(berth::model::expand_log_tag("", fields) == "0123456789ab");
  CHECK(berth::model::expand_log_tag("{{.Name}}/{{.FullID}}", fields) == "web/0123456789abcdef0123456789abcdef-web");
  CHECK(berth::model::expand_log_tag("x-{{.ImageName}}-{{.DaemonName}}", fields) == "x-busybox:1-berth");
  CHECK(berth::model::expand_log_tag("plain", fields) == "plain");
}

TEST_CASE("Docker sizes and CloudWatch names", "[model][logs]") {
  using berth::model::parse_docker_size;
  CHECK(parse_docker_size("512") == 512u);
  CHECK(parse_docker_size("64k") == 64u << 10);
  CHECK(parse_docker_size("1M") == 1u << 20);
  CHECK_FALSE(parse_docker_size("0"));
  CHECK_FALSE(parse_docker_size("m"));
  CHECK_FALSE(parse_docker_size("-1k"));
  CHECK_FALSE(parse_docker_size("99999999999999999999g"));
  CHECK(berth::model::check_log_group_name("ecs/demo/web#1_a.b-c"));
  CHECK_FALSE(berth::model::check_log_group_name("with space"));
  CHECK_FALSE(berth::model::check_log_group_name(""));
  CHECK(berth::model::check_log_stream_name("web/main/abc"));
  CHECK_FALSE(berth::model::check_log_stream_name("a:b"));
}
