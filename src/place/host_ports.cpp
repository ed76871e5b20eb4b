#include "place/host_ports.hpp"

namespace berth::place {

std::optional<std::vector<PortBinding>> bind_host_ports(NodeState& node, const std::vector<PortRequest>& requests,
                                                        std::pair<int, int> range, std::mt19937_64& rng) {
  std::set<int> tcp = node.tcp_in_use, udp = node.udp_in_use;
  // Static ports first: the placement filter already checked they are free.
  for (const auto& r : requests) {
    if (r.host_port != 0) (r.protocol == "udp" ? udp : tcp).insert(r.host_port);
  }
  const int span = range.second - range.first + 1;
  if (span <= 0) return std::nullopt;
  int next = range.first + static_cast<int>(rng() % static_cast<std::uint64_t>(span));
  std::vector<PortBinding> out;
  for (const auto& r : requests) {
    PortBinding b{r.container, r.container_port, r.host_port, r.protocol};
    if (b.host_port == 0) {
      std::set<int>& used = r.protocol == "udp" ? udp : tcp;
      for (int tried = 0; tried < span && used.contains(next); ++tried) next = next == range.second ? range.first : next + 1;
      if (used.contains(next)) return std::nullopt;
      b.host_port = next;
      used.insert(next);
    }
    out.push_back(std::move(b));
  }
  node.tcp_in_use = std::move(tcp);
  node.udp_in_use = std::move(udp);
  return out;
}

}  // namespace berth::place
