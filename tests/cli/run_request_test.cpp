#include "cli/run_request.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::run_request_test {

TEST_CASE("run words: -p and -e repeat, the command follows --, the rest is left", "[cli]") {
  const auto words = split_run_words({"busybox", "-p", "0:8080", "--publish=9000", "-eA=1", "--env", "B=2", "--wait",
                                      "--", "httpd", "-f", "-p", "8080"});
  REQUIRE(words);
  CHECK(words->publish == std::vector<std::string>{"0:8080", "9000"});
  CHECK(words->env == std::vector<std::string>{"A=1", "B=2"});
  CHECK(words->command == std::vector<std::string>{"httpd", "-f", "-p", "8080"});
  CHECK(words->rest == std::vector<std::string>{"busybox", "--wait"});
  CHECK_FALSE(split_run_words({"busybox", "-p"}));
}

TEST_CASE("run words: ports, variables and memory are checked", "[cli]") {
  const auto dynamic = parse_port_mapping("0:8080");
  REQUIRE(dynamic);
  CHECK((dynamic->host_port == 0 && dynamic->container_port == 8080 && dynamic->protocol == "tcp"));
  const auto same = parse_port_mapping("53/udp");
  REQUIRE(same);
  CHECK((same->host_port == 53 && same->container_port == 53 && same->protocol == "udp"));
  for (const char* bad : {"", "0", "8080:0", "70000:80", "80:x", "-1:80", "80:80/sctp", "1:2:3", " 80"}) {
    INFO(bad);
    CHECK_FALSE(parse_port_mapping(bad));
  }
  CHECK(parse_port_mapping("x").error().message.find("-p HOST:CONTAINER") != std::string::npos);
  CHECK(*parse_env("GREETING=a=b") == std::pair<std::string, std::string>{"GREETING", "a=b"});
  CHECK(*parse_env("EMPTY=") == std::pair<std::string, std::string>{"EMPTY", ""});
  for (const char* bad : {"NOVALUE", "=x", "1A=x", "A-B=x"}) CHECK_FALSE(parse_env(bad));
  CHECK(*parse_memory_mib("64") == 64);
  CHECK(*parse_memory_mib("64m") == 64);
  CHECK(*parse_memory_mib("1g") == 1024);
  CHECK(*parse_memory_mib("1GiB") == 1024);
  CHECK(*parse_memory_mib("6145k") == 7);  // rounded up to whole MiB
  for (const char* bad : {"", "m", "5m", "0", "64x", "-64", "2048g", "99999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_memory_mib(bad));
  }
}

TEST_CASE("run words: the family and the task definition they register", "[cli]") {
  CHECK(family_for_image("busybox") == "busybox");
  CHECK(family_for_image("docker.io/library/busybox:1.36") == "busybox");
  CHECK(family_for_image("registry:5000/team/app.v2@sha256:abc") == "app-v2");
  RunSpec spec{.image = "busybox", .family = "web", .memory_mib = 64,
               .ports = {{0, 8080, "tcp"}}, .environment = {{"A", "1"}}, .command = {"httpd", "-f"}};
  const auto request = run_task_definition(spec);
  CHECK(request == model::Json::parse(R"({"family":"web","networkMode":"bridge","containerDefinitions":[
    {"name":"web","image":"busybox","essential":true,"memory":64,"command":["httpd","-f"],
     "environment":[{"name":"A","value":"1"}],
     "portMappings":[{"containerPort":8080,"hostPort":0,"protocol":"tcp"}]}]})"));
  // The same words give the same digest; any change gives another.
  CHECK(request_digest(request) == request_digest(run_task_definition(spec)));
  spec.command.push_back("-v");
  CHECK(request_digest(request) != request_digest(run_task_definition(spec)));
  CHECK(request_digest(request).size() == 64);
  spec.memory_mib.reset();
  CHECK(run_task_definition(spec)["containerDefinitions"][0]["memory"] == 128);
}

}  // namespace berth::cli::run_request_test
