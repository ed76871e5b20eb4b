#include "model/execute_command.hpp"

#include "model/names.hpp"
#include "model/request_members.hpp"

namespace berth::model {
namespace {

const Shape k_string = string_shape();
const Shape k_bool = boolean_shape();
const Shape k_strings = list_of(k_string);
const Shape k_execute_command = structure({{"cluster", &k_string},
                                           {"container", &k_string},
                                           {"command", &k_string, true},
                                           {"interactive", &k_bool, true},
                                           {"task", &k_string, true}});
const Shape k_exec_session = structure({{"cluster", &k_string},
                                        {"container", &k_string},
                                        {"command", &k_strings},
                                        {"tty", &k_bool},
                                        {"interactive", &k_bool},
                                        {"attach", &k_bool},
                                        {"task", &k_string, true}});

Error bad_command(const std::string& why) { return {Code::invalid_parameter, "command " + why}; }

Result<std::optional<std::string>> container_member(const Json& body) {
  auto container = optional_string(body, "container");
  if (container) BERTH_TRY(check_name("container", *container));
  return container;
}

}  // namespace

const Shape& execute_command_shape() { return k_execute_command; }
const Shape& exec_session_shape() { return k_exec_session; }

Result<std::vector<std::string>> split_command_words(std::string_view command) {
  if (command.size() > k_max_command_bytes) {
    return std::unexpected(bad_command("is longer than " + std::to_string(k_max_command_bytes) + " bytes."));
  }
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // a word has started (an empty '' is a word too)
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (++i == command.size()) return std::unexpected(bad_command("ends with a backslash."));
      word += command[i];
    } else if (c == '\'') {
      const std::size_t end = command.find('\'', i + 1);
      if (end == std::string_view::npos) return std::unexpected(bad_command("has an unterminated ' quote."));
      word.append(command.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i == command.size()) return std::unexpected(bad_command("has an unterminated \" quote."));
        if (command[i] == '"') break;
        const bool escape = command[i] == '\\' && i + 1 < command.size() &&
                            std::string_view("\"\\$`").find(command[i + 1]) != std::string_view::npos;
        word += command[escape ? ++i : i];
      }
    } else if (c == '\0') {
      return std::unexpected(bad_command("holds a NUL character."));
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return std::unexpected(bad_command("is empty."));
  if (words.size() > k_max_command_words) {
    return std::unexpected(bad_command("has more than " + std::to_string(k_max_command_words) + " words."));
  }
  return words;
}

Result<ExecuteCommandRequest> decode_execute_command(const Json& body) {
  if (body["interactive"].get<bool>()) {
    return fail(Code::invalid_parameter,
                "Interactive sessions need the AWS session-manager plugin, which a berth gateway does not serve: run "
                "`berth exec -it TASK -- COMMAND` on the gateway, or call ExecuteCommand with interactive false to get "
                "the command's output and exit code in the reply's berthCommandResult.");
  }
  ExecuteCommandRequest request;
  request.cluster = optional_string(body, "cluster");
  request.task = body["task"].get<std::string>();
  BERTH_ASSIGN(request.container, container_member(body));
  BERTH_ASSIGN(request.argv, split_command_words(body["command"].get<std::string>()));
  return request;
}

Result<ExecSessionRequest> decode_exec_session(const Json& body) {
  ExecSessionRequest request;
  request.cluster = optional_string(body, "cluster");
  request.task = body["task"].get<std::string>();
  BERTH_ASSIGN(request.container, container_member(body));
  request.tty = body.value("tty", false);
  request.interactive = body.value("interactive", false);
  request.attach = body.value("attach", false);
  if (request.attach) {
    if (body.contains("command")) return fail(Code::invalid_parameter, "An attach session runs no command.");
    return request;
  }
  if (!body.contains("command")) return std::unexpected(bad_command("is missing."));
  std::size_t bytes = 0;
  for (const auto& word : body["command"]) {
    request.argv.push_back(word.get<std::string>());
    bytes += request.argv.back().size();
    if (request.argv.back().find('\0') != std::string::npos) return std::unexpected(bad_command("holds a NUL character."));
  }
  if (request.argv.empty()) return std::unexpected(bad_command("is empty."));
  if (request.argv.size() > k_max_command_words) {
    return std::unexpected(bad_command("has more than " + std::to_string(k_max_command_words) + " words."));
  }
  if (bytes > k_max_command_bytes) {
    return std::unexpected(bad_command("is longer than " + std::to_string(k_max_command_bytes) + " bytes."));
  }
  return request;
}

Result<const TaskContainer*> exec_container_of(const Task& task, const std::optional<std::string>& name) {
  std::string names;
  const TaskContainer* essential = nullptr;
  int essentials = 0;
  for (const auto& c : task.containers) {
    if (name && c.name == *name) return &c;
    names += (names.empty() ? "" : ", ") + c.name;
    if (c.essential) {
      essential = &c;
      ++essentials;
    }
  }
  if (name) return fail(Code::invalid_parameter, "The task has no container named " + *name + " (it has " + names + ").");
  if (task.containers.size() == 1) return &task.containers.front();
  if (essentials == 1) return essential;
  return fail(Code::invalid_parameter,
              "The task has " + std::to_string(task.containers.size()) + " containers (" + names +
                  "): name the one to run the command in with container.");
}

Json encode_execute_command(const ExecuteCommandReply& reply, const ArnScope& arns) {
  return Json{{"clusterArn", arns.cluster(reply.cluster)},
              {"containerArn", arns.prefix() + "container/" + reply.cluster + "/" + reply.task_id + "/" + reply.container_id},
              {"containerName", reply.container_name},
              {"interactive", false},
              {"session", {{"sessionId", reply.session_id}}},
              {"taskArn", arns.task(reply.cluster, reply.task_id)},
              {"berthCommandResult",
               {{"exitCode", reply.exit_code},
                {"output", reply.output},
                {"outputTruncated", reply.output_truncated},
                {"timedOut", reply.timed_out}}}};
}

}  // namespace berth::model
