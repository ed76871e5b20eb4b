#include "model/log_configuration.hpp"
#include "model/log_tag.hpp"

#include <catch2/catch.hpp>

namespace log_configuration_test {

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
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"labelz", "a"}}}}) ==
        "logConfiguration.options 'labelz' is not a syslog option berth knows (syslog-address, syslog-facility, "
        "syslog-format, syslog-tls-ca-cert, syslog-tls-cert, syslog-tls-key, syslog-tls-skip-verify, tag, labels, "
        "labels-regex, env, env-regex, mode, max-buffer-size).");
  CHECK(refusal({{"logDriver", "journald"}, {"options", {{"syslog-address", "udp://h"}}}}) ==
        "logConfiguration.options 'syslog-address' is not a journald option berth knows (tag, labels, labels-regex, env, "
        "env-regex, mode, max-buffer-size).");
  CHECK(refusal({{"logDriver", "journald"}, {"options", {{"labels-regex", "^com\\.(a"}}}}) ==
        "logConfiguration.options 'labels-regex' '^com\\.(a': berth takes no groups (parentheses).");
  CHECK(refusal({{"logDriver", "journald"}, {"options", {{"env-regex", "[a"}}}}) ==
        "logConfiguration.options 'env-regex' '[a' is not a valid regular expression.");
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"tag", "{{.Name"}}}}).find("tag templates") != std::string::npos);
  // json-file: Docker's attrs and tag; its rotation options are berth's own, so refused.
  CHECK(refusal({{"logDriver", "json-file"}, {"options", {{"labels", "a"}, {"env-regex", "^X"}, {"tag", "{{.Name}}"}}}}) == "");
  CHECK(refusal({{"logDriver", "json-file"}, {"options", {{"max-size", "10m"}}}}) ==
        "logConfiguration.options 'max-size' is not a json-file option berth knows (labels, labels-regex, env, env-regex, "
        "tag): container output goes to berth's own rotated log, read with `berth logs`.");
  CHECK(refusal({{"logDriver", "json-file"}, {"options", {{"tag", "{{.Nope}}"}}}}).find("tag templates") != std::string::npos);
  CHECK(refusal({{"logDriver", "none"}, {"options", {{"labels", "a"}}}}).find("none driver") != std::string::npos);
  CHECK(refusal({{"logDriver", "journald"}, {"options", {{"tag", "{{.Hostname}}"}}}}).find("tag templates") != std::string::npos);
  CHECK(refusal({{"logDriver", "syslog"}, {"options", {{"mode", "blocking"}, {"max-buffer-size", "1m"}}}}).find("non-blocking only") !=
        std::string::npos);
}

TEST_CASE("syslog and journald take Docker's labels, labels-regex, env and env-regex", "[model][logs]") {
  for (const char* driver : {"syslog", "journald"}) {
    auto log = parse_log_configuration(Json{{"logDriver", driver},
                                            {"options",
                                             {{"labels", "com.example.tier,,missing"},
                                              {"labels-regex", "^team\\."},
                                              {"env", "STAGE"},
                                              {"env-regex", "^APP_"},
                                              {"tag", "{{ .Name }}-{{(.ExtraAttributes nil).STAGE}}"}}}});
    REQUIRE(log);
    CHECK(log->attributes.labels == std::vector<std::string>{"com.example.tier", "missing"});
    CHECK(log->attributes.labels_regex == "^team\\.");
    CHECK(log->attributes.env == std::vector<std::string>{"STAGE"});
    CHECK(log->attributes.env_regex == "^APP_");
  }
}

TEST_CASE("extra attributes are picked and named as Docker's drivers do", "[model][logs]") {
  using berth::model::AttributeKeys;
  using berth::model::log_extra_attributes;
  berth::model::LogAttributeOptions options;
  options.labels = {"com.example.tier", "absent"};
  options.labels_regex = "^team\\.";
  options.env = {"STAGE", "NOPE"};
  options.env_regex = "_ID$";
  const std::map<std::string, std::string> labels{
      {"com.example.tier", "front"}, {"team.owner", "ops"}, {"other", "x"}, {"STAGE", "from-label"}, {"_9lives", "cat"}};
  const std::vector<std::string> env{"STAGE=prod", "APP_ID=42", "PATH=/bin", "NOEQUALS"};
  CHECK(log_extra_attributes(options, labels, env, AttributeKeys::as_named) ==
        std::map<std::string, std::string>{{"com.example.tier", "front"}, {"team.owner", "ops"}, {"STAGE", "prod"}, {"APP_ID", "42"}});
  // journald: upper case, '_' for the rest, leading '_' dropped; a name journald would refuse
  // (a leading digit) is left out; env still wins over a label of the same field.
  options.labels.push_back("_9lives");
  options.labels.push_back("STAGE");
  CHECK(log_extra_attributes(options, labels, env, AttributeKeys::journald) ==
        std::map<std::string, std::string>{{"COM_EXAMPLE_TIER", "front"}, {"TEAM_OWNER", "ops"}, {"STAGE", "prod"}, {"APP_ID", "42"}});
  CHECK(berth::model::journald_field_name("com.example-Tier") == "COM_EXAMPLE_TIER");
  CHECK(berth::model::journald_field_name("__a.b") == "A_B");
  CHECK(berth::model::journald_field_name("") == "");
  // Nothing asked, nothing picked.
  CHECK(log_extra_attributes({}, labels, env, AttributeKeys::as_named).empty());
}

TEST_CASE("log tags expand Docker's template fields", "[model][logs]") {
  berth::model::LogTagFields fields{"0123456789abcdef0123456789abcdef-web", "web", "busybox:1"};
  fields.image_id = "sha256:feedfacecafe0123456789";
  fields.attributes = {{"STAGE", "prod"}};
  CHECK(berth::model::expand_log_tag("{{.ImageID}}/{{.ImageFullID}}", fields) == "feedfacecafe/sha256:feedfacecafe0123456789");
  CHECK(berth::model::expand_log_tag("{{ .Name }}.{{(.ExtraAttributes nil).STAGE}}.{{(.ExtraAttributes nil).GONE}}", fields) ==
        "web.prod.<no value>");
  CHECK(berth::model::check_log_tag("{{ .ImageName }}/{{(.ExtraAttributes nil).SOME_VAR}}"));
  CHECK_FALSE(berth::model::check_log_tag("{{.Name}"));
  CHECK_FALSE(berth::model::check_log_tag("{{(.ExtraAttributes nil).a.b}}"));
  CHECK_FALSE(berth::model::check_log_tag("{{.Name | upper}}"));
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

}  // namespace log_configuration_test
