// How the agent registers its node as a container instance: the agent describes the node
// (NodeRegistration), an InstanceRegistrar records it. The agent layer sees neither svc nor the
// API, so the composition root may give it a registrar that goes through the control plane's
// use case; StoreInstanceRegistrar writes the instance straight to the store. Implementations
// are called from the thread that registers (before the agent starts).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "store/store.hpp"

namespace berth::agent {

struct NodeRegistration {
  std::string cluster;
  std::string instance_id;   // kept across restarts (<data>/instance-id)
  long long cpu_units = 0;   // registered CPU
  long long memory_mib = 0;  // registered memory (less ECS_RESERVED_MEMORY)
  std::vector<int> reserved_ports, reserved_udp_ports;
  // Built-in attributes (ecs.os-type, ...): always reflect the node. An empty value has no value.
  std::map<std::string, std::string> attributes;
  // Custom attributes (ECS_INSTANCE_ATTRIBUTES): at the first registration only, as in ECS;
  // later PutAttributes/DeleteAttributes own them.
  std::map<std::string, std::string> initial_attributes;
};

class InstanceRegistrar {
 public:
  virtual ~InstanceRegistrar() = default;
  // Registers the node, or re-registers it under its id keeping its status (DRAINING stays) and
  // the attributes operators put.
  [[nodiscard]] virtual Result<void> register_node(const NodeRegistration& node) = 0;
};

class StoreInstanceRegistrar final : public InstanceRegistrar {
 public:
  StoreInstanceRegistrar(store::Store& store, const Clock& clock) : m_store(store), m_clock(clock) {}
  // One atomic change of the instance's row, written only when something changed.
  Result<void> register_node(const NodeRegistration& node) override;

 private:
  store::Store& m_store;
  const Clock& m_clock;
};

}  // namespace berth::agent
