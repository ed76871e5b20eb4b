// Network namespaces pinned to a file (as `ip netns add` does), so a task's containers can share
// one and it outlives berth restarts. Linux only; thread-safe.
#pragma once

#include <string>

#include "common/result.hpp"

namespace berth::runtime {

// Creates a new network namespace bound at `path` (whose directory is created). If `path`
// already holds a namespace, keeps it: a retry after a crash finds the same one.
[[nodiscard]] Result<void> create_network_namespace(const std::string& path);

// Unbinds and deletes the namespace at `path`; nothing to do if it is already gone.
[[nodiscard]] Result<void> remove_network_namespace(const std::string& path);

// Whether `path` currently holds a network namespace.
bool is_network_namespace(const std::string& path);

}  // namespace berth::runtime
