#include "runtime/linux/gpus.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "fixtures/temp_dir.hpp"

namespace gpus_test {

using namespace berth;
using berth::testing::TempDir;

namespace {

// A /dev stand-in: links to real device nodes where a device is wanted, plain files elsewhere.
void link_device(const TempDir& dev, const std::string& name, const std::string& target = "/dev/null") {
  std::filesystem::create_symlink(target, dev.path + "/" + name);
}

}  // namespace

TEST_CASE("host GPUs: the /dev/nvidia<N> device nodes by N, with the driver's shared nodes", "[runtime][gpu]") {
  TempDir dev;
  link_device(dev, "nvidia2", "/dev/zero");
  link_device(dev, "nvidia0");
  link_device(dev, "nvidiactl");
  link_device(dev, "nvidia-modeset");
  link_device(dev, "nvidia10x");
  REQUIRE(write_file(dev.path + "/nvidia1", "not a device"));
  const auto found = runtime::find_host_gpus({}, dev.path);
  REQUIRE(found.has_value());
  REQUIRE(found->gpus.size() == 2);
  CHECK(found->gpus[0].id == "0");
  CHECK(found->gpus[0].device == dev.path + "/nvidia0");
  CHECK(found->gpus[1].id == "2");
  CHECK(found->gpus[1].device == dev.path + "/nvidia2");
  CHECK(found->support_devices == std::vector<std::string>{dev.path + "/nvidiactl"});  // no nvidia-uvm here
  REQUIRE(runtime::gpu_of(*found, "2") != nullptr);
  CHECK(runtime::gpu_of(*found, "2")->device == dev.path + "/nvidia2");
  CHECK(runtime::gpu_of(*found, "1") == nullptr);
}

TEST_CASE("host GPUs: none without nvidia nodes, and no shared nodes then", "[runtime][gpu]") {
  TempDir dev;
  link_device(dev, "nvidiactl");
  const auto found = runtime::find_host_gpus({}, dev.path);
  REQUIRE(found.has_value());
  CHECK(found->gpus.empty());
  CHECK(found->support_devices.empty());
  const auto missing_dir = runtime::find_host_gpus({}, dev.path + "/absent");
  REQUIRE(missing_dir.has_value());
  CHECK(missing_dir->gpus.empty());
}

TEST_CASE("host GPUs: BERTH_GPU_DEVICES's nodes replace discovery, ids by position; a non-device is refused",
          "[runtime][gpu]") {
  TempDir dev;
  link_device(dev, "nvidia0");
  const auto listed = runtime::find_host_gpus({"/dev/zero", "/dev/null"}, dev.path);
  REQUIRE(listed.has_value());
  REQUIRE(listed->gpus.size() == 2);
  CHECK(listed->gpus[0].id == "0");
  CHECK(listed->gpus[0].device == "/dev/zero");
  CHECK(listed->gpus[1].id == "1");
  CHECK(listed->gpus[1].device == "/dev/null");
  REQUIRE(write_file(dev.path + "/plain", "x"));
  for (const std::string& bad : {dev.path + "/plain", dev.path + "/absent", dev.path}) {
    const auto refused = runtime::find_host_gpus({"/dev/null", bad}, dev.path);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message == "BERTH_GPU_DEVICES: " + bad + " is not a device node on this host");
  }
}

}  // namespace gpus_test
