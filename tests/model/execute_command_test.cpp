#include "model/execute_command.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/shape_checked.hpp"

namespace execute_command_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;
using berth::testing::shape_checked;

namespace {

using Words = std::vector<std::string>;

Result<ExecuteCommandRequest> execute(const Json& members) {
  Json body{{"task", "0f"}, {"command", "ls"}, {"interactive", false}};
  body.update(members);
  return decode_execute_command(shape_checked(execute_command_shape(), body));
}

Result<ExecSessionRequest> session(const Json& members) {
  Json body{{"task", "0f"}, {"command", {"ls"}}};
  body.update(members);
  return decode_exec_session(shape_checked(exec_session_shape(), body));
}

Task task_of(std::vector<std::pair<std::string, bool>> containers) {
  Task t;
  for (const auto& [name, essential] : containers) {
    TaskContainer c;
    c.name = name;
    c.essential = essential;
    t.containers.push_back(c);
  }
  return t;
}

}  // namespace

TEST_CASE("command words: split as a shell would, without expanding anything", "[model][exec]") {
  CHECK(split_command_words("ls") == Words{"ls"});
  CHECK(split_command_words("  sh  -c\t'echo hi; exit 3' ") == Words{"sh", "-c", "echo hi; exit 3"});
  CHECK(split_command_words(R"(echo "a \"b\" \$HOME \n" c\ d '' x'y'"z")") ==
        Words{"echo", R"(a "b" $HOME \n)", "c d", "", "xyz"});
  CHECK(split_command_words("echo $HOME *") == Words{"echo", "$HOME", "*"});
}

TEST_CASE("command words: empty, unterminated, oversized or NUL commands are refused", "[model][exec]") {
  check_error(split_command_words(""), Code::invalid_parameter, "command is empty.");
  check_error(split_command_words(" \t\n"), Code::invalid_parameter, "command is empty.");
  check_error(split_command_words("echo 'hi"), Code::invalid_parameter, "command has an unterminated ' quote.");
  check_error(split_command_words("echo \"hi"), Code::invalid_parameter, "command has an unterminated \" quote.");
  check_error(split_command_words("echo hi\\"), Code::invalid_parameter, "command ends with a backslash.");
  check_error(split_command_words(std::string("echo a\0b", 8)), Code::invalid_parameter, "command holds a NUL character.");
  check_error(split_command_words(std::string(k_max_command_bytes + 1, 'x')), Code::invalid_parameter,
              "command is longer than 8192 bytes.");
  std::string many;
  for (std::size_t i = 0; i <= k_max_command_words; ++i) many += "a ";
  check_error(split_command_words(many), Code::invalid_parameter, "command has more than 256 words.");
}

TEST_CASE("ExecuteCommand decoder: non-interactive commands only, a valid container name", "[model][exec]") {
  auto plain = execute({{"cluster", "plant-7"}, {"container", "web"}, {"command", "sh -c 'id'"}});
  REQUIRE(plain.has_value());
  CHECK(plain->cluster == std::optional<std::string>("plant-7"));
  CHECK(plain->task == "0f");
  CHECK(plain->container == std::optional<std::string>("web"));
  CHECK(plain->argv == Words{"sh", "-c", "id"});
  CHECK_FALSE(execute(Json::object()).value().container.has_value());
  auto interactive = execute({{"interactive", true}});
  REQUIRE_FALSE(interactive.has_value());
  CHECK(interactive.error().code == Code::invalid_parameter);
  CHECK(interactive.error().message.starts_with("Interactive sessions need the AWS session-manager plugin"));
  CHECK_FALSE(execute({{"container", "../x"}}).has_value());
  check_error(execute({{"command", "'"}}), Code::invalid_parameter, "command has an unterminated ' quote.");
  // The shape: command is a string, interactive and task are required.
  Json missing{{"task", "0f"}, {"command", "ls"}};
  CHECK_FALSE(check_shape(missing, execute_command_shape()).has_value());
}

TEST_CASE("exec session decoder: words as given, bounded", "[model][exec]") {
  auto plain = session({{"command", {"sh", "-c", "echo 'hi'"}}, {"tty", true}, {"interactive", true}});
  REQUIRE(plain.has_value());
  CHECK(plain->argv == Words{"sh", "-c", "echo 'hi'"});
  CHECK(plain->tty);
  CHECK(plain->interactive);
  CHECK_FALSE(session(Json::object()).value().tty);
  check_error(session({{"command", Json::array()}}), Code::invalid_parameter, "command is empty.");
  check_error(session({{"command", {std::string("a\0b", 3)}}}), Code::invalid_parameter, "command holds a NUL character.");
  check_error(session({{"command", Words(k_max_command_words + 1, "a")}}), Code::invalid_parameter,
              "command has more than 256 words.");
  check_error(session({{"command", {std::string(k_max_command_bytes + 1, 'x')}}}), Code::invalid_parameter,
              "command is longer than 8192 bytes.");
  CHECK_FALSE(session({{"container", "a b"}}).has_value());
}

TEST_CASE("exec container: the named one, else the only one, else the only essential one", "[model][exec]") {
  const Task one = task_of({{"main", true}});
  CHECK(exec_container_of(one, std::nullopt).value()->name == "main");
  const Task sidecar = task_of({{"app", true}, {"log", false}});
  CHECK(exec_container_of(sidecar, std::nullopt).value()->name == "app");
  CHECK(exec_container_of(sidecar, "log").value()->name == "log");
  check_error(exec_container_of(sidecar, std::string("db")), Code::invalid_parameter,
              "The task has no container named db (it has app, log).");
  const Task two = task_of({{"a", true}, {"b", true}});
  check_error(exec_container_of(two, std::nullopt), Code::invalid_parameter,
              "The task has 2 containers (a, b): name the one to run the command in with container.");
  const Task none = task_of({{"a", false}, {"b", false}});
  CHECK_FALSE(exec_container_of(none, std::nullopt).has_value());
}

TEST_CASE("ExecuteCommand reply: ECS's members and berthCommandResult", "[model][exec]") {
  ExecuteCommandReply reply{"plant-7", "0f", "web", "c1", "ecs-execute-command-1", 3, "hi\n", true, false};
  CHECK(encode_execute_command(reply, {"local", "000000000000"}).dump() ==
        R"({"berthCommandResult":{"exitCode":3,"output":"hi\n","outputTruncated":true,"timedOut":false},)"
        R"("clusterArn":"arn:aws:ecs:local:000000000000:cluster/plant-7",)"
        R"("containerArn":"arn:aws:ecs:local:000000000000:container/plant-7/0f/c1","containerName":"web",)"
        R"("interactive":false,"session":{"sessionId":"ecs-execute-command-1"},)"
        R"("taskArn":"arn:aws:ecs:local:000000000000:task/plant-7/0f"})");
}

TEST_CASE("exec session decoder: an attach names no command; a command is needed otherwise", "[model][exec][relay]") {
  auto attach = model::decode_exec_session(Json{{"task", "t1"}, {"container", "main"}, {"attach", true}});
  REQUIRE(attach.has_value());
  CHECK(attach->attach);
  CHECK(attach->argv.empty());
  CHECK_FALSE(model::decode_exec_session(Json{{"task", "t1"}, {"attach", true}, {"command", {"sh"}}}).has_value());
  CHECK_FALSE(model::decode_exec_session(Json{{"task", "t1"}}).has_value());
}

}  // namespace execute_command_test
