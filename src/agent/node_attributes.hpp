// The built-in attributes the agent registers for its node: ECS's (ecs.os-type, ecs.os-family,
// ecs.cpu-architecture, ecs.instance-type, ecs.availability-zone, ecs.capability.external) and
// berth's capabilities, which task definitions require (model/required_attributes.hpp) where
// only some nodes honour a field. Pure; thread-safe.
#pragma once

#include <map>
#include <string>

namespace berth::agent {

struct NodeFacts {
  std::string instance_type;
  std::string availability_zone;
  bool cgroup_v2 = false;  // runc ignores linuxParameters.swappiness there
  std::string instance_address;  // "" = none known
};

// The attributes, name → value ("" for a name-only attribute). berth.capability.memory-swappiness
// only on cgroup v1; berth.instance-address when the address is known.
std::map<std::string, std::string> node_attributes(const NodeFacts& node);

}  // namespace berth::agent
