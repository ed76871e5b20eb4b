// A task definition's networkMode. Pure; thread-safe.
#pragma once

#include "model/wire_enum.hpp"

namespace berth::model {

enum class NetworkMode { bridge, host, awsvpc, none };

template <>
struct WireNames<NetworkMode> {
  static constexpr std::array<std::string_view, 4> names = {"bridge", "host", "awsvpc", "none"};
};

// ECS's default when a task definition names none.
inline constexpr NetworkMode k_default_network_mode = NetworkMode::bridge;

}  // namespace berth::model
