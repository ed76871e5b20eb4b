#include "cli/runc_paths.hpp"

#include <filesystem>

namespace berth::cli {

std::string self_executable() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "berth" : path.string();
}

runtime::RuncPaths runc_paths(const Config& config) {
  runtime::RuncPaths paths;
  paths.runc_root = config.run_dir + "/runc";
  paths.state_root = config.run_dir + "/containers";
  paths.bundle_root = config.data_dir + "/bundles";
  paths.log_root = config.data_dir + "/logs";
  paths.self_exe = self_executable();
  paths.task_root = config.run_dir + "/tasks";
  return paths;
}

}  // namespace berth::cli
