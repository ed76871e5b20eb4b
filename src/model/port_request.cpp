#include "model/port_request.hpp"

#include "common/numbers.hpp"

namespace berth::model {

std::vector<PortRequest> port_requests_of(const Json& td) {
  std::vector<PortRequest> out;
  for (const auto& c : td["containerDefinitions"]) {
    for (const auto& pm : c.value("portMappings", Json::array())) {
      const std::string protocol = pm.value("protocol", "tcp");
      if (pm.contains("containerPortRange")) {
        const std::string range = pm["containerPortRange"].get<std::string>();
        const auto dash = range.find('-');
        if (dash == std::string::npos) continue;
        const auto first = parse_integer_in<int>(std::string_view(range).substr(0, dash), 1, 65535);
        const auto last = parse_integer_in<int>(std::string_view(range).substr(dash + 1), 1, 65535);
        if (!first || !last) continue;
        for (int port = *first; port <= *last; ++port) out.push_back({c["name"], port, 0, protocol});
        continue;
      }
      out.push_back({c["name"], pm["containerPort"].get<int>(), pm.value("hostPort", 0), protocol});
    }
  }
  return out;
}

}  // namespace berth::model
