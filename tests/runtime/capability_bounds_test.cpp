#include "runtime/linux/capability_bounds.hpp"

#include <catch2/catch.hpp>

#include "runtime/oci_spec.hpp"

namespace capability_bounds_test {

using namespace berth;
using namespace berth::runtime;

TEST_CASE("capabilities: the CapBnd line of a process status", "[runtime][caps]") {
  const std::string status = "Name:\tberth\nCapPrm:\t000001fffeffffff\nCapBnd:\t000001fffeffffff\nCapAmb:\t0\n";
  CHECK(parse_capability_bounding_set(status) == 0x1fffeffffffULL);
  CHECK_FALSE(parse_capability_bounding_set("CapBnd:\tzz\n").has_value());
  CHECK_FALSE(parse_capability_bounding_set("Name:\tx\n").has_value());
  CHECK(host_capability_bounding_set().has_value());
}

TEST_CASE("capabilities: requests are cut to the bounding set", "[runtime][caps]") {
  const std::uint64_t without_sys_resource = 0x1fffeffffffULL;  // bit 24 (CAP_SYS_RESOURCE) clear
  const auto all = within_bounding_set(all_capabilities(), without_sys_resource);
  CHECK(all.size() == all_capabilities().size() - 1);
  CHECK_FALSE(all.contains("CAP_SYS_RESOURCE"));
  CHECK(all.contains("CAP_SYS_ADMIN"));
  CHECK(all.contains("CAP_CHECKPOINT_RESTORE"));  // bit 40
  CHECK(within_bounding_set({"CAP_SYS_RESOURCE", "CAP_CHOWN"}, without_sys_resource) ==
        std::set<std::string>{"CAP_CHOWN"});
  CHECK(within_bounding_set({"CAP_CHOWN"}, 0).empty());
  CHECK(within_bounding_set(all_capabilities(), ~std::uint64_t{0}) == all_capabilities());
  CHECK(within_bounding_set({"CAP_NOT_A_CAP"}, 0) == std::set<std::string>{"CAP_NOT_A_CAP"});
}

}  // namespace capability_bounds_test
