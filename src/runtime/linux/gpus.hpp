// The GPUs of a host, as the agent registers them (ECS's GPU resource) and maps them into the
// containers placement gives them to: NVIDIA's /dev/nvidia<N> nodes, or the device nodes
// BERTH_GPU_DEVICES lists (a seam for tests and labs: any device node can stand in for a GPU).
// Reads the host only; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"

namespace berth::runtime {

struct Gpu {
  std::string id;      // registered id: N of /dev/nvidia<N>, or the position in BERTH_GPU_DEVICES
  std::string device;  // its device node
};

struct HostGpus {
  std::vector<Gpu> gpus;                     // by id
  // The driver's shared nodes a GPU container also gets (/dev/nvidiactl, /dev/nvidia-uvm, those
  // present); empty without GPUs.
  std::vector<std::string> support_devices;
};

// The host's GPUs: `listed` (each a device node, id "0", "1", ... in order) when not empty, else the
// /dev/nvidia<N> nodes under `dev_dir` (id "N", the index NVIDIA_VISIBLE_DEVICES takes).
// ClientException for a listed path that is not a device node; a host without GPUs has none.
[[nodiscard]] Result<HostGpus> find_host_gpus(const std::vector<std::string>& listed,
                                              const std::string& dev_dir = "/dev");

// The device node of the GPU `id` of `host`, or nullptr.
const Gpu* gpu_of(const HostGpus& host, const std::string& id);

}  // namespace berth::runtime
