// The launchType of tasks and services (berth runs every task as EC2: on its own instances).
// Pure; thread-safe.
#pragma once

#include "model/wire_enum.hpp"

namespace berth::model {

enum class LaunchType { ec2, fargate, external, managed_instances };

template <>
struct WireNames<LaunchType> {
  static constexpr std::array<std::string_view, 4> names = {"EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"};
};

}  // namespace berth::model
