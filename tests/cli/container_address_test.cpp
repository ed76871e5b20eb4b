#include "cli/container_address.hpp"

#include <catch2/catch.hpp>

namespace container_address_test {

using namespace berth::cli;

namespace {
const std::set<std::string> k_flags{"run-dir", "config"};
const std::string k_id = "0123456789abcdef0123456789abcdef";
}  // namespace

TEST_CASE("a container address takes a task id or ARN and a container name", "[cli]") {
  auto by_id = parse_container_address(k_id, "web_1");
  REQUIRE(by_id.has_value());
  CHECK(by_id->task_id == k_id);
  CHECK(by_id->container == "web_1");
  CHECK(runtime_id_of(*by_id) == k_id + "-web_1");
  auto by_arn = parse_container_address("arn:aws:ecs:local:000000000000:task/default/" + k_id, "web");
  REQUIRE(by_arn.has_value());
  CHECK(by_arn->task_id == k_id);
  auto older_arn = parse_container_address("arn:aws:ecs:local:000000000000:task/" + k_id, "web");
  REQUIRE(older_arn.has_value());
  CHECK(older_arn->task_id == k_id);
}

TEST_CASE("a container address refuses words that are no id, ARN or name", "[cli]") {
  CHECK_FALSE(parse_container_address("arn:aws:ecs:local:000000000000:service/default/web", "web").has_value());
  CHECK_FALSE(parse_container_address("arn:aws:ecs:local:000000000000:task/default/", "web").has_value());
  CHECK_FALSE(parse_container_address("../../etc", "web").has_value());
  CHECK_FALSE(parse_container_address("", "web").has_value());
  CHECK_FALSE(parse_container_address(k_id, "").has_value());
  CHECK_FALSE(parse_container_address(k_id, "a/b").has_value());
  CHECK_FALSE(parse_container_address(k_id, "..").has_value());
  CHECK_FALSE(parse_container_address(k_id, std::string(256, 'a')).has_value());
  CHECK(parse_container_address(k_id, std::string(255, 'a')).has_value());
}

TEST_CASE("exec words: -t and -i in any spelling, the command after --", "[cli]") {
  auto plain = parse_exec_words({k_id, "web", "--", "sh", "-c", "echo hi; exit 3"}, k_flags);
  REQUIRE(plain.has_value());
  CHECK_FALSE(plain->tty);
  CHECK_FALSE(plain->interactive);
  CHECK(plain->command == std::vector<std::string>{"sh", "-c", "echo hi; exit 3"});
  CHECK(plain->address.container == "web");
  for (const auto& words : std::vector<std::vector<std::string>>{
           {"-it", k_id, "web", "--", "sh"}, {"-t", "-i", k_id, "web", "--", "sh"}, {"-ti", k_id, "web", "--", "sh"},
           {"--tty", "--interactive", k_id, "web", "--", "sh"}, {k_id, "-i", "web", "-t", "--", "sh"}}) {
    auto both = parse_exec_words(words, k_flags);
    REQUIRE(both.has_value());
    CHECK(both->tty);
    CHECK(both->interactive);
  }
  // Words after -- are the command's, flags included.
  auto flags_after = parse_exec_words({"--run-dir", "/tmp/r", k_id, "web", "--", "ls", "-t", "--help"}, k_flags);
  REQUIRE(flags_after.has_value());
  CHECK_FALSE(flags_after->tty);
  CHECK_FALSE(flags_after->args.help);
  CHECK(flags_after->args.flags.at("run-dir") == "/tmp/r");
  CHECK(flags_after->command == std::vector<std::string>{"ls", "-t", "--help"});
  auto help = parse_exec_words({"--help"}, k_flags);
  REQUIRE(help.has_value());
  CHECK(help->args.help);
}

TEST_CASE("exec words: CONTAINER may be left out for the daemon to choose", "[cli]") {
  auto task_only = parse_exec_words({"-t", k_id, "--", "sh"}, k_flags);
  REQUIRE(task_only.has_value());
  CHECK(task_only->address.task_id == k_id);
  CHECK(task_only->address.container.empty());
  CHECK(task_only->command == std::vector<std::string>{"sh"});
  CHECK(parse_container_address(k_id, "", ContainerWord::optional).has_value());
  CHECK_FALSE(parse_container_address(k_id, "").has_value());
  CHECK_FALSE(parse_container_address(k_id, "a/b", ContainerWord::optional).has_value());
}

TEST_CASE("exec words: a missing command, a bad container or a bad flag is refused", "[cli]") {
  CHECK_FALSE(parse_exec_words({k_id, "web"}, k_flags).has_value());
  CHECK_FALSE(parse_exec_words({k_id, "web", "--"}, k_flags).has_value());
  CHECK_FALSE(parse_exec_words({k_id, "web", "extra", "--", "sh"}, k_flags).has_value());
  CHECK_FALSE(parse_exec_words({"--user", "root", k_id, "web", "--", "sh"}, k_flags).has_value());
  CHECK_FALSE(parse_exec_words({"-x", k_id, "web", "--", "sh"}, k_flags).has_value());
  CHECK_FALSE(parse_exec_words({"bad/id", "web", "--", "sh"}, k_flags).has_value());
}

}  // namespace container_address_test
