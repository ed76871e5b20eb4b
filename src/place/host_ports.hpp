// Host ports for a bridge task's port mappings: static ones as given, `hostPort` 0 or missing
// drawn from the dynamic range among the ports free on the chosen instance. Pure.
#pragma once

#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "model/port_request.hpp"
#include "place/engine.hpp"

namespace berth::place {

using PortRequest = model::PortRequest;

struct PortBinding {
  std::string container;
  int container_port = 0;
  int host_port = 0;
  std::string protocol = "tcp";
};

// Binds every request on `node` and marks the ports used there, so the next task placed sees
// them. Dynamic ports start at a random point of `range` (inclusive), so a port freed by a
// stopped task is not handed out again at once. Nothing, and `node` unchanged, if the range
// has too few free ports.
std::optional<std::vector<PortBinding>> bind_host_ports(NodeState& node, const std::vector<PortRequest>& requests,
                                                        std::pair<int, int> range, std::mt19937_64& rng);

}  // namespace berth::place
