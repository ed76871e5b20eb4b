#include "sched/task_placement.hpp"

#include <catch2/catch.hpp>

namespace task_placement_test {

using namespace berth;

TEST_CASE("compile_placement: the definition's required attributes become static memberOf expressions", "[sched]") {
  model::DefinitionState definition;
  definition.required_attributes = {{"ecs.cpu-architecture", "arm64"}, {"berth.capability.memory-swappiness", std::nullopt}};
  auto placement = sched::compile_placement(definition, {}, {}, "family:job");
  REQUIRE(placement.has_value());
  REQUIRE(placement->ask.member_of.size() == 2);
  place::InstanceFacts arm;
  arm.attributes = {{"ecs.cpu-architecture", "arm64"}, {"berth.capability.memory-swappiness", ""}};
  place::InstanceFacts x86;
  x86.attributes = {{"ecs.cpu-architecture", "x86_64"}, {"berth.capability.memory-swappiness", ""}};
  place::InstanceFacts v2 = arm;
  v2.attributes.erase("berth.capability.memory-swappiness");
  for (const auto& e : placement->ask.member_of) {
    CHECK(e.is_static());
    CHECK(e.matches(arm));
  }
  CHECK_FALSE(placement->ask.member_of[0].matches(x86));
  CHECK(placement->ask.member_of[1].matches(x86));
  CHECK_FALSE(placement->ask.member_of[1].matches(v2));
  // They do not count against the 10 placement constraints a definition and a request may give.
  std::vector<model::PlacementConstraint> ten(10, model::PlacementConstraint{"memberOf", "attribute:zone exists"});
  CHECK(sched::compile_placement(definition, ten, {}, "family:job").has_value());
}

}  // namespace task_placement_test
