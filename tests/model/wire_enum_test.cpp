#include "model/wire_enum.hpp"

#include <catch2/catch.hpp>

#include "model/launch_type.hpp"
#include "model/network_mode.hpp"
#include "model/statuses.hpp"

namespace wire_enum_test {

using namespace berth::model;

namespace {

// Every enumerator round-trips through its wire spelling, and the spellings are distinct.
template <class E>
void check_round_trip() {
  const auto names = wire_names<E>();
  for (std::size_t i = 0; i < names.size(); ++i) {
    const E value = static_cast<E>(i);
    INFO(names[i]);
    CHECK(to_wire(value) == names[i]);
    CHECK(from_wire<E>(names[i]) == value);
  }
}

}  // namespace

TEST_CASE("wire enums: each value round-trips and nothing else parses", "[model]") {
  check_round_trip<NetworkMode>();
  check_round_trip<LaunchType>();
  check_round_trip<TaskStatus>();
  check_round_trip<ServiceStatus>();
  check_round_trip<InstanceStatus>();
  check_round_trip<ClusterStatus>();
  check_round_trip<TaskDefinitionStatus>();
  check_round_trip<FamilyStatus>();

  CHECK(to_wire(NetworkMode::bridge) == "bridge");
  CHECK(to_wire(k_default_network_mode) == "bridge");
  CHECK(to_wire(LaunchType::managed_instances) == "MANAGED_INSTANCES");
  CHECK(to_wire(TaskStatus::deprovisioning) == "DEPROVISIONING");
  CHECK(to_wire(InstanceStatus::registration_failed) == "REGISTRATION_FAILED");
  CHECK(to_wire(TaskDefinitionStatus::delete_in_progress) == "DELETE_IN_PROGRESS");
  // AWS spells them case-sensitively: no other spelling is the same value.
  CHECK_FALSE(from_wire<NetworkMode>("Bridge").has_value());
  CHECK_FALSE(from_wire<LaunchType>("ec2").has_value());
  CHECK_FALSE(from_wire<TaskStatus>("").has_value());
  CHECK_FALSE(from_wire<InstanceStatus>("ACTIVE ").has_value());
}

}  // namespace wire_enum_test
