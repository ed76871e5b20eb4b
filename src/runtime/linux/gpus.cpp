#include "runtime/linux/gpus.hpp"

#include <algorithm>
#include <filesystem>
#include <string_view>

#include "common/numbers.hpp"
#include "runtime/linux/host_devices.hpp"

namespace berth::runtime {
namespace {

constexpr std::string_view k_nvidia_prefix = "nvidia";

// The /dev/nvidia<N> nodes (not nvidiactl, nvidia-uvm, nvidia-modeset, ...), ordered by N.
std::vector<Gpu> nvidia_gpus(const std::string& dev_dir) {
  std::vector<std::pair<int, Gpu>> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dev_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(k_nvidia_prefix)) continue;
    const auto index = parse_integer_in<int>(std::string_view(name).substr(k_nvidia_prefix.size()), 0, 1 << 20);
    if (!index || !host_device(entry.path().string())) continue;
    found.push_back({*index, Gpu{std::to_string(*index), entry.path().string()}});
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Gpu> out;
  for (auto& [index, gpu] : found) out.push_back(std::move(gpu));
  return out;
}

}  // namespace

Result<HostGpus> find_host_gpus(const std::vector<std::string>& listed, const std::string& dev_dir) {
  HostGpus out;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    if (auto node = host_device(listed[i]); !node) {
      return fail(Code::client, "BERTH_GPU_DEVICES: " + listed[i] + " is not a device node on this host");
    }
    out.gpus.push_back({std::to_string(i), listed[i]});
  }
  if (listed.empty()) out.gpus = nvidia_gpus(dev_dir);
  if (out.gpus.empty()) return out;
  for (const char* name : {"nvidiactl", "nvidia-uvm"}) {
    const std::string path = dev_dir + "/" + name;
    if (host_device(path)) out.support_devices.push_back(path);
  }
  return out;
}

const Gpu* gpu_of(const HostGpus& host, const std::string& id) {
  const auto it = std::find_if(host.gpus.begin(), host.gpus.end(), [&](const Gpu& g) { return g.id == id; });
  return it == host.gpus.end() ? nullptr : &*it;
}

}  // namespace berth::runtime
