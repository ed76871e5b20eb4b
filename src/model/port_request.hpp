// One port mapping of a bridge task as placement sees it: the snapshot carries it and place/
// binds it to a host port. Plain value.
#pragma once

#include <string>

namespace berth::model {

struct PortRequest {
  std::string container;
  int container_port = 0;
  int host_port = 0;  // 0 = any free port of the dynamic range
  std::string protocol = "tcp";
};

}  // namespace berth::model
