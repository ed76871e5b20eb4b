// What `berth services` and `berth events` print: one row per service (desired, running and
// pending counts, the primary deployment's rollout, the latest event), and services' events as
// lines in time order. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "cli/table.hpp"
#include "common/clock.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// Returns the table of `services` (DescribeServices' entries) at time `now`, by name.
std::string format_service_table(const std::vector<model::Json>& services, EpochMs now, Colouring colouring);

// The primary deployment's rollout: "COMPLETED", "IN_PROGRESS", "FAILED", with "+N old" while
// older deployments still hold tasks; "-" for a service without deployments.
std::string rollout_summary(const model::Json& service);

struct ServiceEvent {
  EpochMs at = 0;
  std::string service;
  std::string id;
  std::string message;  // without ECS's "(service NAME) " prefix
};

// The events of `services`, oldest first (ECS lists them newest first).
std::vector<ServiceEvent> service_events(const std::vector<model::Json>& services);

// "2026-12-03T16:34:14Z  web  has reached a steady state.\n"
std::string format_event(const ServiceEvent& event, Colouring colouring);

}  // namespace berth::cli
