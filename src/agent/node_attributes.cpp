#include "agent/node_attributes.hpp"

#include "common/platform.hpp"
#include "model/container_instance.hpp"
#include "model/required_attributes.hpp"

namespace berth::agent {

std::map<std::string, std::string> node_attributes(const NodeFacts& node) {
  std::map<std::string, std::string> out = {{"ecs.os-type", "linux"},
                                            {"ecs.os-family", "LINUX"},
                                            {"ecs.cpu-architecture", ecs_architecture()},
                                            {"ecs.instance-type", node.instance_type},
                                            {"ecs.availability-zone", node.availability_zone},
                                            {"ecs.capability.external", ""}};
  if (!node.cgroup_v2) out[model::k_swappiness_capability] = "";
  if (!node.instance_address.empty()) out[std::string(model::k_instance_address_attribute)] = node.instance_address;
  return out;
}

}  // namespace berth::agent
