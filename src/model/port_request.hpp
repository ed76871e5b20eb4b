// One port mapping of a bridge task as placement sees it: the snapshot carries it and place/
// binds it to a host port; the agent tells a dynamic one from a static one by it. Plain value,
// and the task definition's mappings as such requests. Pure.
#pragma once

#include <string>
#include <vector>

#include "model/schema.hpp"

namespace berth::model {

struct PortRequest {
  std::string container;
  int container_port = 0;
  int host_port = 0;  // 0 = any free port of the dynamic range
  std::string protocol = "tcp";
};

// A bridge task's port mappings in definition order, each port of a containerPortRange on its
// own (dynamic). A task's networkBindings are made in this order, container by container.
std::vector<PortRequest> port_requests_of(const Json& td);

}  // namespace berth::model
