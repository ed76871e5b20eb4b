// RuncRuntime: containers through the runc CLI, each under a `berth shim` monitor, each with an
// overlay (or, where overlayfs is unavailable, a copied) root over its image. Thread-safe.
#pragma once

#include <string>

#include "runtime/runtime.hpp"

namespace berth::runtime {

struct RuncPaths {
  std::string runc = "runc";
  std::string runc_root;     // runc --root (tmpfs: <run>/runc)
  std::string state_root;    // shim state and config.json per container (<run>/containers)
  std::string bundle_root;   // root mounts and writable layers (<data>/bundles)
  std::string log_root;      // container logs (<data>/logs)
  std::string self_exe;      // this binary, re-executed as the shim
  std::size_t log_max_bytes = 1 << 20;
  int log_files = 2;
  int start_timeout_ms = 120000;
};

class RuncRuntime final : public Runtime {
 public:
  explicit RuncRuntime(RuncPaths paths) : m_paths(std::move(paths)) {}

  Result<int> start(const ContainerSpec& spec) override;
  ContainerStatus status(const std::string& id) override;
  Result<void> kill(const std::string& id, int signal) override;
  Result<ExecResult> exec(const std::string& id, const std::vector<std::string>& argv, int timeout_ms) override;
  Result<void> remove(const std::string& id) override;
  std::vector<std::string> known_containers() override;
  std::string log_path(const std::string& id) const override { return m_paths.log_root + "/" + id + ".log"; }

 private:
  Result<std::string> prepare_rootfs(const ContainerSpec& spec, const std::string& bundle);
  RuncPaths m_paths;
};

// Runs `argv` with stdin from /dev/null and stdout+stderr captured (at most 64 KiB kept),
// killing it after `timeout_ms`. Returns the exit code (128+signal when signalled).
[[nodiscard]] Result<ExecResult> run_command(const std::vector<std::string>& argv, int timeout_ms);

}  // namespace berth::runtime
