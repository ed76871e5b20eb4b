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
  CHECK_FALSE(log->awslogs.blocking);
  CHECK(log->awslogs.max_buffer_bytes == 4u << 20);
  CHECK(log->awslogs.multiline_pattern == "^\\S");
  CHECK(berth::model::awslogs_stream_name(log->awslogs, "main", "0123abcd", "0123abcd-main") == "web/main/0123abcd");
  log->awslogs.stream_prefix.clear();
  CHECK(berth::model::awslogs_stream_name(log->awslogs, "main", "0123abcd", "0123abcd-main") == "0123abcd-main");
}

TEST_CASE("logConfiguration refusals name the driver or the option", "[model][logs]") {
  CHECK(refusal({{"logDriver", "fluentd"}}) ==
        "Log driver fluentd is not supported by berth. Supported log drivers: awslogs, json-file, none.");
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
