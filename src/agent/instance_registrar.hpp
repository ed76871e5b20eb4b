// How the agent registers its node as a container instance: the agent describes the node
// (model::NodeRegistration), an InstanceRegistrar records it. The agent layer sees neither svc
// nor the API, so the composition root gives it a registrar that goes through the control
// plane's use case. Implementations are called from the thread that registers (before the agent
// starts).
#pragma once

#include <string>

#include "common/result.hpp"
#include "model/container_instance_requests.hpp"

namespace berth::agent {

using model::NodeRegistration;

class InstanceRegistrar {
 public:
  virtual ~InstanceRegistrar() = default;
  // Registers the node, or re-registers it under its id keeping its status (DRAINING stays) and
  // the attributes operators put. Returns the id it is registered under: the node's own, or the
  // one the serving gateway gave a joined node (the agent then keeps that one).
  [[nodiscard]] virtual Result<std::string> register_node(const NodeRegistration& node) = 0;
};

}  // namespace berth::agent
