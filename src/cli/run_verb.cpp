// `berth run IMAGE [--name N] [-p HOST:CONTAINER] [-e K=V] [--memory M] [--wait] -- CMD...`:
// runs an image as a one-off task, like `docker run -d`: registers a task definition for these
// words (or reuses the family's latest revision when it was registered for the same words: its
// digest tag says so), runs it and prints the task id. --wait follows the task until it is
// RUNNING (printing its ports) or STOPPED (printing why, exit 1).
#include <chrono>
#include <iostream>
#include <thread>

#include "cli/ecs_client.hpp"
#include "cli/id_prefix.hpp"
#include "cli/json_fields.hpp"
#include "cli/run_request.hpp"
#include "cli/task_table.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

Result<RunSpec> spec_of(const VerbSetup& setup, const RunWords& words) {
  RunSpec spec;
  spec.image = setup.args.positional.front();
  spec.family = flag_value(setup, "name", family_for_image(spec.image));
  if (const auto memory = setup.args.flags.find("memory"); memory != setup.args.flags.end()) {
    BERTH_ASSIGN(spec.memory_mib, parse_memory_mib(memory->second));
  }
  for (const auto& text : words.publish) {
    BERTH_ASSIGN(auto port, parse_port_mapping(text));
    spec.ports.push_back(port);
  }
  for (const auto& text : words.env) {
    BERTH_ASSIGN(auto env, parse_env(text));
    spec.environment.push_back(std::move(env));
  }
  spec.command = words.command;
  return spec;
}

// The family's latest revision when berth run registered it for the same request; else a new one.
Result<std::string> task_definition_for(const EcsClient& ecs, const model::Json& request) {
  const std::string digest = request_digest(request);
  if (auto latest = ecs.call("DescribeTaskDefinition", {{"taskDefinition", request["family"]}, {"include", {"TAGS"}}})) {
    for (const auto& tag : array_member(*latest, "tags")) {
      if (text_member(tag, "key") == k_run_digest_tag && text_member(tag, "value") == digest) {
        return text_member((*latest)["taskDefinition"], "taskDefinitionArn");
      }
    }
  }
  model::Json tagged = request;
  tagged["tags"] = model::Json::array({{{"key", k_run_digest_tag}, {"value", digest}}});
  BERTH_ASSIGN(const auto registered, ecs.call("RegisterTaskDefinition", tagged));
  return text_member(registered["taskDefinition"], "taskDefinitionArn");
}

// Follows the task until RUNNING or STOPPED; prints each status it passes on stderr.
int wait_for_task(const EcsClient& ecs, const std::string& arn, long long timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto tasks = ecs.describe_tasks({arn});
    if (!tasks) return report_failure(tasks.error());
    if (tasks->empty()) return report_failure(fail(Code::client, "task " + arn + " is gone"));
    const model::Json& task = tasks->front();
    const std::string status = text_member(task, "lastStatus");
    if (status != last) {
      std::cerr << status;
      if (status == "RUNNING") {
        const std::string ports = task_ports(task);
        if (!ports.empty()) std::cerr << "  " << ports;
      }
      if (status == "STOPPED") std::cerr << ": " << stop_summary(task);
      std::cerr << "\n";
      last = status;
    }
    if (status == "RUNNING") return 0;
    if (status == "STOPPED") return 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return report_failure(fail(Code::client, "task " + std::string(last_arn_part(arn)) + " is still " + last),
                        "`berth events` and `berth describe` say what it waits for");
}

}  // namespace

int run_verb(const Words& words) {
  auto split = split_run_words(words);
  if (!split) return usage_error(split.error().message, "run");
  auto setup = setup_verb(split->rest, "run", {"name", "memory", "timeout"}, {"wait"});
  if (!setup) return setup.error();
  if (setup->args.positional.size() != 1) {
    return usage_error("run takes one IMAGE; the command goes after --", "run");
  }
  auto spec = spec_of(*setup, *split);
  if (!spec) return report_failure(spec.error());
  const auto timeout = timeout_flag(*setup, "run");
  if (!timeout) return timeout.error();
  const EcsClient ecs(setup->config, setup->api);
  auto definition = task_definition_for(ecs, run_task_definition(*spec));
  if (!definition) return report_failure(definition.error(), "check the flags against `berth run --help`");
  auto ran = ecs.call("RunTask", ecs.on_cluster({{"taskDefinition", *definition}, {"count", 1}, {"startedBy", "berth-run"}}));
  if (!ran) return report_failure(ran.error());
  const auto& started = array_member(*ran, "tasks");
  if (started.empty()) {
    std::string reasons;
    for (const auto& f : array_member(*ran, "failures")) reasons += (reasons.empty() ? "" : "; ") + text_member(f, "reason");
    return report_failure(fail(Code::client, "the task was not placed: " + reasons),
                          "`berth instances` shows what the gateway has left");
  }
  const std::string arn = text_member(started.front(), "taskArn");
  print_reply(*setup, *ran, std::string(last_arn_part(arn)));
  if (!setup->args.flags.contains("wait")) return 0;
  return wait_for_task(ecs, arn, *timeout);
}

}  // namespace berth::cli
