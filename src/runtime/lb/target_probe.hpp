// ELB target health checks against one endpoint: TCP (the connection opens) or HTTP (a GET of the
// check's path answers with a status its matcher takes), each within the check's timeout (at most
// 10 s here, so one dead target holds the ELB worker's pass no longer than that). Reads at most
// 4 KiB of the answer. Thread-safe (no shared state).
#pragma once

#include <string>

#include "model/elb.hpp"

namespace berth::runtime::lb {

// "" when the check passed, else what failed ("connection refused", "timed out", "HTTP 404").
std::string probe_target(const model::Endpoint& endpoint, int port, const model::HealthCheck& check);

}  // namespace berth::runtime::lb
