#include "model/units.hpp"

#include <catch2/catch.hpp>

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
