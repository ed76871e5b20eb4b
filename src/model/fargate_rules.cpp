#include "model/fargate_rules.hpp"

#include <algorithm>
#include <array>

#include "model/units.hpp"

namespace berth::model {
namespace {

struct FargateSize {
  long long cpu;
  long long min_memory;
  long long max_memory;
  long long step;
};

constexpr std::array k_sizes = {
    FargateSize{512, 1024, 4096, 1024},    FargateSize{1024, 2048, 8192, 1024},
    FargateSize{2048, 4096, 16384, 1024},  FargateSize{4096, 8192, 30720, 1024},
    FargateSize{8192, 16384, 61440, 4096}, FargateSize{16384, 32768, 122880, 8192},
};

Result<void> not_on_fargate(const std::string& what) {
  return fail(Code::client, what + " is not supported by Fargate; a task definition that requires FARGATE "
                                   "cannot use it.");
}

Result<void> check_fargate_container(const Json& c) {
  const std::string name = "Container '" + c.value("name", "") + "': ";
  if (c.value("privileged", false)) return not_on_fargate(name + "privileged");
  if (!c.value("links", Json::array()).empty()) return not_on_fargate(name + "links");
  if (!c.value("dockerSecurityOptions", Json::array()).empty()) return not_on_fargate(name + "dockerSecurityOptions");
  for (const auto& requirement : c.value("resourceRequirements", Json::array())) {
    if (requirement.value("type", "") == "GPU") return not_on_fargate(name + "a GPU resourceRequirement");
  }
  const Json linux = c.value("linuxParameters", Json::object());
  for (const char* member : {"devices", "tmpfs", "sharedMemorySize", "maxSwap", "swappiness"}) {
    if (linux.contains(member)) return not_on_fargate(name + "linuxParameters." + member);
  }
  for (const auto& added : linux.value("capabilities", Json::object()).value("add", Json::array())) {
    if (added != "SYS_PTRACE") {
      return not_on_fargate(name + "adding capability " + added.get<std::string>() + " (only SYS_PTRACE can be added)");
    }
  }
  return {};
}

}  // namespace

bool is_fargate_size(long long cpu, long long memory) {
  if (cpu == 256) return memory == 512 || memory == 1024 || memory == 2048;
  for (const auto& size : k_sizes) {
    if (size.cpu != cpu) continue;
    return memory >= size.min_memory && memory <= size.max_memory && (memory - size.min_memory) % size.step == 0;
  }
  return false;
}

bool requires_fargate(const Json& body) {
  const Json compatibilities = body.value("requiresCompatibilities", Json::array());
  return std::find(compatibilities.begin(), compatibilities.end(), Json("FARGATE")) != compatibilities.end();
}

Result<void> check_fargate_rules(const Json& body) {
  if (body.value("networkMode", "") != "awsvpc") {
    return fail(Code::client, "Fargate only supports network mode 'awsvpc'.");
  }
  const auto cpu = task_units_of(body.value("cpu", ""));
  const auto memory = task_units_of(body.value("memory", ""));
  if (!cpu || !memory) {
    return fail(Code::client, "Fargate requires task definition to have 'cpu' and 'memory' set at the task level.");
  }
  if (!is_fargate_size(*cpu, *memory)) {
    return fail(Code::client, "No Fargate configuration exists for given values: " + std::to_string(*cpu) + " CPU, " +
                                  std::to_string(*memory) + " memory. See the Amazon ECS documentation for the "
                                  "valid values.");
  }
  if (body.contains("ipcMode")) return not_on_fargate("ipcMode");
  if (body.value("pidMode", "") == "host") return not_on_fargate("pidMode host");
  if (!body.value("placementConstraints", Json::array()).empty()) return not_on_fargate("placementConstraints");
  for (const auto& v : body.value("volumes", Json::array())) {
    const std::string name = "Volume '" + v.value("name", "") + "': ";
    if (v.contains("host") && v["host"].contains("sourcePath")) return not_on_fargate(name + "host.sourcePath");
    if (v.contains("dockerVolumeConfiguration")) return not_on_fargate(name + "dockerVolumeConfiguration");
  }
  for (const auto& c : body["containerDefinitions"]) BERTH_TRY(check_fargate_container(c));
  return {};
}

}  // namespace berth::model
