#include "model/units.hpp"

#include <catch2/catch.hpp>

namespace units_test {

using namespace berth::model;

TEST_CASE("task cpu strings normalise to CPU units", "[model]") {
  CHECK(*normalize_task_cpu("1 vCPU") == "1024");
  CHECK(*normalize_task_cpu("0.5 vcpu") == "512");
  CHECK(*normalize_task_cpu("2vCPU") == "2048");
  CHECK(*normalize_task_cpu("256") == "256");
  CHECK_FALSE(normalize_task_cpu("fast").has_value());
  CHECK_FALSE(normalize_task_cpu("0.0001 vCPU").has_value());
  CHECK_FALSE(normalize_task_cpu("64").has_value());
  CHECK_FALSE(normalize_task_cpu("-1").has_value());
  CHECK_FALSE(normalize_task_cpu("1..5 vCPU").has_value());
}

TEST_CASE("task memory strings normalise to MiB", "[model]") {
  CHECK(*normalize_task_memory("1GB") == "1024");
  CHECK(*normalize_task_memory("0.5 GB") == "512");
  CHECK(*normalize_task_memory("2 gb") == "2048");
  CHECK(*normalize_task_memory("512") == "512");
  CHECK_FALSE(normalize_task_memory("1TB").has_value());
  CHECK_FALSE(normalize_task_memory("").has_value());
  CHECK(normalize_task_memory("lots").error().code == berth::Code::client);
}

TEST_CASE("task cpu and memory: huge values are a ClientException, never an overflow", "[model]") {
  // 16 digits of GB are more MiB than a long long holds: refused before any conversion.
  auto huge = normalize_task_memory("9999999999999999GB");
  REQUIRE_FALSE(huge.has_value());
  CHECK(huge.error().code == berth::Code::client);
  CHECK(huge.error().message.find("'9999999999999999GB' is outside 6–16777216") != std::string::npos);
  CHECK_FALSE(normalize_task_cpu("9999999999999999 vCPU").has_value());
  CHECK_FALSE(normalize_task_cpu("99999999999999999999").has_value());
  CHECK(*normalize_task_cpu("0.25 vCPU") == "256");
  CHECK(*normalize_task_cpu("196608") == "196608");
  CHECK_FALSE(normalize_task_cpu("196609").has_value());
  CHECK(*normalize_task_memory("16384 GB") == std::to_string(16LL * 1024 * 1024));
}

TEST_CASE("task_units_of reads only normalised numbers", "[model]") {
  CHECK(task_units_of("1024") == 1024);
  CHECK(task_units_of("0") == 0);
  CHECK_FALSE(task_units_of("").has_value());
  CHECK_FALSE(task_units_of("1 vcpu").has_value());
  CHECK_FALSE(task_units_of("2GB").has_value());
  CHECK_FALSE(task_units_of("-5").has_value());
  CHECK_FALSE(task_units_of("99999999999999999999").has_value());
}

}  // namespace units_test
