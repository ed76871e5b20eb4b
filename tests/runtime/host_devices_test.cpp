#include "runtime/linux/host_devices.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "fixtures/temp_dir.hpp"

namespace host_devices_test {

using namespace berth;
using berth::runtime::DeviceType;
using berth::runtime::host_device;
using berth::testing::TempDir;

TEST_CASE("host devices: /dev/null is character device 1:3, read through a link too", "[runtime][devices]") {
  const auto null = host_device("/dev/null");
  REQUIRE(null.has_value());
  CHECK(null->type == DeviceType::character);
  CHECK(null->major == 1);
  CHECK(null->minor == 3);
  CHECK(null->file_mode == 0666);
  CHECK(null->uid == 0);
  CHECK(null->gid == 0);
  TempDir tmp;
  std::filesystem::create_symlink("/dev/null", tmp.path + "/by-id-link");
  const auto linked = host_device(tmp.path + "/by-id-link");
  REQUIRE(linked.has_value());
  CHECK(linked->major == 1);
  CHECK(linked->minor == 3);
}

TEST_CASE("host devices: a missing path, a file and a directory are refused naming the path", "[runtime][devices]") {
  TempDir tmp;
  const auto missing = host_device(tmp.path + "/ttyUSB9");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Code::client);
  CHECK(missing.error().message == "linuxParameters.devices: " + tmp.path + "/ttyUSB9 does not exist on this instance");
  const auto under_file = host_device("/dev/null/x");
  REQUIRE_FALSE(under_file.has_value());
  CHECK(under_file.error().message.ends_with("/dev/null/x does not exist on this instance"));
  REQUIRE(write_file(tmp.path + "/plain", "x").has_value());
  const auto file = host_device(tmp.path + "/plain");
  REQUIRE_FALSE(file.has_value());
  CHECK(file.error().code == Code::client);
  CHECK(file.error().message == "linuxParameters.devices: " + tmp.path + "/plain is not a device node");
  const auto directory = host_device(tmp.path);
  REQUIRE_FALSE(directory.has_value());
  CHECK(directory.error().message.ends_with(" is not a device node"));
  std::filesystem::create_symlink(tmp.path + "/nowhere", tmp.path + "/dangling");
  CHECK(host_device(tmp.path + "/dangling").error().message.ends_with("/dangling does not exist on this instance"));
}

}  // namespace host_devices_test
