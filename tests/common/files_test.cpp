#include "common/files.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace files_test {

using namespace berth;
using berth::testing::TempDir;

TEST_CASE("read_file_range reads a part of a file, short at its end and empty past it", "[common][files]") {
  TempDir dir;
  const std::string path = dir.path + "/f";
  REQUIRE_OK(write_file(path, "0123456789"));
  CHECK(read_file_range(path, 0, 4).value() == "0123");
  CHECK(read_file_range(path, 3, 4).value() == "3456");
  CHECK(read_file_range(path, 7, 100).value() == "789");
  CHECK(read_file_range(path, 10, 4).value().empty());
  CHECK(read_file_range(path, 1000, 4).value().empty());
  CHECK(read_file_range(path, 0, 0).value().empty());
  CHECK(read_file_range(path, 0, 1 << 20).value() == read_file(path).value());
  const auto missing = read_file_range(dir.path + "/none", 0, 4);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().sys_errno == ENOENT);
}

}  // namespace files_test
