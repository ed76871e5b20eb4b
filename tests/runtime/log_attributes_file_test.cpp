#include "runtime/log_attributes_file.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"

namespace log_attributes_file_test {

using namespace berth::runtime;

TEST_CASE("json-file attrs are kept beside the log, where the log ingester does not look", "[runtime][logs]") {
  char pattern[] = "/tmp/berth-attrs-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const std::string dir = pattern;
  const std::string log = dir + "/t-main.log";
  CHECK(log_attributes_path(log) == dir + "/t-main.attrs");
  CHECK(read_log_attributes(log).empty());  // none written
  const std::map<std::string, std::string> attrs{{"com.example.tier", "front"}, {"STAGE", "a b\n"}, {"tag", "main"}};
  REQUIRE(write_log_attributes(log, attrs));
  CHECK(read_log_attributes(log) == attrs);
  // Made again without them: none left over.
  REQUIRE(write_log_attributes(log, {}));
  CHECK_FALSE(std::filesystem::exists(log_attributes_path(log)));
  // Not such an object: none (values that are not strings are left out).
  REQUIRE(berth::write_file(log_attributes_path(log), "{\"a\": 1, \"b\": \"x\"}"));
  CHECK(read_log_attributes(log) == std::map<std::string, std::string>{{"b", "x"}});
  REQUIRE(berth::write_file(log_attributes_path(log), "[1,2"));
  CHECK(read_log_attributes(log).empty());
  std::filesystem::remove_all(dir);
}

}  // namespace log_attributes_file_test
