#include "cli/task_table.hpp"

#include <algorithm>

#include "cli/id_prefix.hpp"
#include "cli/json_fields.hpp"
#include "cli/relative_time.hpp"

namespace berth::cli {
std::string family_revision(const std::string& task_definition_arn) {
  constexpr std::string_view k_marker = ":task-definition/";
  const auto at = task_definition_arn.find(k_marker);
  return at == std::string::npos ? task_definition_arn : task_definition_arn.substr(at + k_marker.size());
}

std::string task_ports(const model::Json& task) {
  std::string out;
  for (const auto& container : array_member(task, "containers")) {
    for (const auto& binding : array_member(container, "networkBindings")) {
      if (!binding.is_object()) continue;
      const std::string ip = text_member(binding, "bindIP", "0.0.0.0");
      out += (out.empty() ? "" : ", ") + ip + ":" + std::to_string(integer_member(binding, "hostPort")) + "->" +
             std::to_string(integer_member(binding, "containerPort")) + "/" + text_member(binding, "protocol", "tcp");
    }
  }
  return out;
}

std::string stop_summary(const model::Json& task) {
  if (text_member(task, "lastStatus") != "STOPPED") return "";
  std::string out = text_member(task, "stoppedReason", "stopped");
  for (const auto& container : array_member(task, "containers")) {
    const std::string name = text_member(container, "name");
    const std::string reason = text_member(container, "reason");
    if (!reason.empty()) {
      out += "; " + name + ": " + reason;
    } else if (const auto code = container.find("exitCode"); code != container.end() && code->is_number_integer()) {
      out += "; " + name + " exited " + std::to_string(code->get<long long>());
    }
  }
  return out;
}

std::string format_task_table(const std::vector<model::Json>& tasks, EpochMs now, Colouring colouring) {
  std::vector<const model::Json*> ordered;
  for (const auto& task : tasks) ordered.push_back(&task);
  std::stable_sort(ordered.begin(), ordered.end(), [](const model::Json* a, const model::Json* b) {
    return timestamp_member(*a, "createdAt").value_or(0) > timestamp_member(*b, "createdAt").value_or(0);
  });
  std::vector<Row> rows{{"TASK ID", "TASK DEFINITION", "STATUS", "HEALTH", "PORTS", "STARTED", "GROUP"}};
  for (const model::Json* task : ordered) {
    const std::string status = text_member(*task, "lastStatus", "-");
    const std::string desired = text_member(*task, "desiredStatus");
    // A task on its way down says so before its lastStatus catches up.
    const std::string shown = desired == "STOPPED" && status != "STOPPED" ? status + " (stopping)" : status;
    std::string health = text_member(*task, "healthStatus", "UNKNOWN");
    if (health == "UNKNOWN") health = "-";
    // A stopped task's bindings stay on record, but nothing listens there any more.
    const std::string ports = status == "STOPPED" ? "" : task_ports(*task);
    rows.push_back({short_id(last_arn_part(text_member(*task, "taskArn"))),
                    family_revision(text_member(*task, "taskDefinitionArn")), Cell(shown, status_colour(status)),
                    Cell(health, status_colour(health)), ports.empty() ? "-" : ports,
                    relative_time(timestamp_member(*task, "startedAt"), now), text_member(*task, "group", "-")});
  }
  return format_table(rows, colouring);
}

}  // namespace berth::cli
