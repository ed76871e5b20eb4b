#include "runtime/linux/file_in_root.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "fixtures/temp_dir.hpp"

namespace file_in_root_test {

using namespace berth;
using berth::runtime::read_file_in_root;
using berth::runtime::RootResolution;
using berth::testing::TempDir;
namespace fs = std::filesystem;

TEST_CASE("file in root: links and .. stay inside the root, with either resolution", "[runtime][file-in-root]") {
  const auto resolution = GENERATE(RootResolution::automatic, RootResolution::component_walk);
  TempDir tmp;
  const std::string root = tmp.path + "/root";
  fs::create_directories(root + "/etc");
  fs::create_directories(root + "/data");
  REQUIRE(write_file(tmp.path + "/secret", "host\n").has_value());
  REQUIRE(write_file(root + "/data/file", "image\n").has_value());
  fs::create_symlink("/data/file", root + "/etc/absolute");
  fs::create_symlink("../data/file", root + "/etc/relative");
  fs::create_symlink(tmp.path + "/secret", root + "/etc/host");
  fs::create_symlink("../../secret", root + "/etc/climb");
  fs::create_symlink("../../../data/file", root + "/etc/climb-back");
  fs::create_symlink("loop", root + "/etc/loop");
  ::mkfifo((root + "/etc/fifo").c_str(), 0600);

  CHECK(read_file_in_root(root, "/data/file", 1024, resolution) == "image\n");
  CHECK(read_file_in_root(root, "/etc/absolute", 1024, resolution) == "image\n");
  CHECK(read_file_in_root(root, "etc/relative", 1024, resolution) == "image\n");
  const auto host = read_file_in_root(root, "/etc/host", 1024, resolution);
  REQUIRE_FALSE(host.has_value());
  CHECK(host.error().sys_errno == ENOENT);  // <root>/<tmp>/secret: not there
  const auto climb = read_file_in_root(root, "/etc/climb", 1024, resolution);
  REQUIRE_FALSE(climb.has_value());  // ".." stops at the root: <root>/secret is not there
  CHECK(climb.error().sys_errno == ENOENT);
  // ".." past the root stays at the root and the path goes on from there, as the kernel does.
  CHECK(read_file_in_root(root, "/etc/climb-back", 1024, resolution) == "image\n");
  CHECK(read_file_in_root(root, "/../../data/file", 1024, resolution) == "image\n");
  CHECK(read_file_in_root(root, "/etc/loop", 1024, resolution).error().sys_errno == ELOOP);
  CHECK(read_file_in_root(root, "/etc/fifo", 1024, resolution).error().code == Code::client);
  CHECK(read_file_in_root(root, "/etc", 1024, resolution).error().code == Code::client);
  CHECK(read_file_in_root(root, "/data/file", 3, resolution).error().code == Code::client);  // too large
  CHECK(read_file_in_root(root, "/nothing", 1024, resolution).error().sys_errno == ENOENT);
}

}  // namespace file_in_root_test
