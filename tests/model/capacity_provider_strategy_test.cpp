#include "model/capacity_provider_strategy.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "model/capacity_provider.hpp"

namespace capacity_provider_strategy_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

namespace {

Result<CapacityProviderStrategy> read(const char* json) { return read_capacity_provider_strategy(Json::parse(json)); }

}  // namespace

TEST_CASE("Capacity provider strategies: read with ECS's rules", "[model][capacity]") {
  auto ok = read(R"([{"capacityProvider":"a","weight":1,"base":2},{"capacityProvider":"b"}])");
  REQUIRE(ok.has_value());
  REQUIRE(ok->size() == 2);
  CHECK((*ok)[0].capacity_provider == "a");
  CHECK((*ok)[0].weight == 1);
  CHECK((*ok)[0].base == 2);
  CHECK((*ok)[1].weight == 0);
  CHECK(strategy_to_json(*ok).dump() ==
        R"([{"base":2,"capacityProvider":"a","weight":1},{"base":0,"capacityProvider":"b","weight":0}])");

  check_error(read(R"([{"capacityProvider":"FARGATE_SPOT","weight":1}])"), Code::invalid_parameter,
              "The capacity provider FARGATE_SPOT is not supported: " + std::string(k_no_fargate));
  check_error(read(R"([{"capacityProvider":"a","weight":1001}])"), Code::invalid_parameter,
              "The weight of capacity provider a must be between 0 and 1000.");
  check_error(read(R"([{"capacityProvider":"a","weight":-1}])"), Code::invalid_parameter,
              "The weight of capacity provider a must be between 0 and 1000.");
  check_error(read(R"([{"capacityProvider":"a","base":100001}])"), Code::invalid_parameter,
              "The base of capacity provider a must be between 0 and 100000.");
  check_error(read(R"([{"capacityProvider":"a"},{"capacityProvider":"a"}])"), Code::invalid_parameter,
              "The capacity provider strategy cannot contain a duplicate capacity provider: a.");
  check_error(read(R"([{"capacityProvider":"a","base":1},{"capacityProvider":"b","base":1}])"), Code::invalid_parameter,
              "Only one capacity provider in a capacity provider strategy can have a base defined.");
  Json many = Json::array();
  for (int i = 0; i < 21; ++i) many.push_back({{"capacityProvider", "p" + std::to_string(i)}});
  check_error(read_capacity_provider_strategy(many), Code::invalid_parameter,
              "A capacity provider strategy can contain at most 20 capacity providers.");
}

TEST_CASE("Launch capacity: a strategy, a launchType, never both, never FARGATE", "[model][capacity]") {
  auto neither = read_launch_capacity(Json::object());
  REQUIRE(neither.has_value());
  CHECK_FALSE(neither->strategy);
  CHECK_FALSE(neither->launch_type_given);
  auto ec2 = read_launch_capacity(Json{{"launchType", "EC2"}, {"capacityProviderStrategy", Json::array()}});
  REQUIRE(ec2.has_value());
  CHECK(ec2->launch_type_given);
  CHECK_FALSE(ec2->strategy);
  auto strategy = read_launch_capacity(Json::parse(R"({"capacityProviderStrategy":[{"capacityProvider":"a"}]})"));
  REQUIRE(strategy.has_value());
  REQUIRE(strategy->strategy);
  CHECK(strategy->strategy->front().capacity_provider == "a");

  check_error(read_launch_capacity(Json{{"launchType", "FARGATE"}}), Code::invalid_parameter,
              "launchType FARGATE is not supported: " + std::string(k_no_fargate));
  check_error(read_launch_capacity(Json::parse(R"({"launchType":"EC2","capacityProviderStrategy":[{"capacityProvider":"a"}]})")),
              Code::invalid_parameter,
              "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  check_error(read_launch_capacity(Json::parse(R"({"capacityProviderStrategy":[{"capacityProvider":"FARGATE"}]})")),
              Code::invalid_parameter, "The capacity provider FARGATE is not supported: " + std::string(k_no_fargate));
}

TEST_CASE("Strategies name only providers of the cluster", "[model][capacity]") {
  auto strategy = read(R"([{"capacityProvider":"a","weight":1},{"capacityProvider":"b","weight":1}])");
  REQUIRE(strategy.has_value());
  CHECK(check_strategy_associated(*strategy, {"b", "a", "c"}).has_value());
  check_error(check_strategy_associated(*strategy, {"a"}), Code::invalid_parameter,
              "The specified capacity provider strategy cannot contain a capacity provider that is not associated with "
              "the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and "
              "try again.");
}

TEST_CASE("Tasks split over a strategy: base first, then by weight", "[model][capacity]") {
  using Names = std::vector<std::string>;
  auto weighted = read(R"([{"capacityProvider":"a","weight":1,"base":2},{"capacityProvider":"b","weight":3}])");
  REQUIRE(weighted.has_value());
  CHECK(providers_for_tasks(*weighted, 1) == Names{"a"});
  CHECK(providers_for_tasks(*weighted, 6) == Names{"a", "a", "b", "a", "b", "b"});
  CHECK(providers_for_tasks(*weighted, 0).empty());
  auto even = read(R"([{"capacityProvider":"a","weight":1},{"capacityProvider":"b","weight":1}])");
  REQUIRE(even.has_value());
  CHECK(providers_for_tasks(*even, 4) == Names{"a", "b", "a", "b"});
  // No weights: everything to the base provider, else to the first.
  auto unweighted = read(R"([{"capacityProvider":"a"},{"capacityProvider":"b","base":1}])");
  REQUIRE(unweighted.has_value());
  CHECK(providers_for_tasks(*unweighted, 3) == Names{"b", "b", "b"});
  auto first = read(R"([{"capacityProvider":"a"},{"capacityProvider":"b"}])");
  REQUIRE(first.has_value());
  CHECK(providers_for_tasks(*first, 2) == Names{"a", "a"});
  // A zero-weight provider only takes its base.
  auto base_only = read(R"([{"capacityProvider":"a","base":1},{"capacityProvider":"b","weight":2}])");
  REQUIRE(base_only.has_value());
  CHECK(providers_for_tasks(*base_only, 3) == Names{"a", "b", "b"});
  CHECK(providers_for_tasks({}, 3).empty());
}

TEST_CASE("A service's next tasks follow its strategy over the tasks it already runs", "[model][capacity]") {
  using Names = std::vector<std::string>;
  auto weighted = read(R"([{"capacityProvider":"a","weight":1,"base":2},{"capacityProvider":"b","weight":3}])");
  REQUIRE(weighted.has_value());
  // The same split, task by task, as all at once.
  CHECK(providers_for_tasks(*weighted, 1, {{"a", 1}}) == Names{"a"});
  CHECK(providers_for_tasks(*weighted, 2, {{"a", 2}}) == Names{"b", "a"});
  CHECK(providers_for_tasks(*weighted, 1, {{"a", 3}, {"b", 3}}) == Names{"b"});
  // A replacement goes where a task is missing: the base first, then the weight short of its share.
  CHECK(providers_for_tasks(*weighted, 1, {{"a", 1}, {"b", 3}}) == Names{"a"});
  CHECK(providers_for_tasks(*weighted, 1, {{"a", 3}, {"b", 2}}) == Names{"b"});
  auto even = read(R"([{"capacityProvider":"a","weight":1},{"capacityProvider":"b","weight":1}])");
  REQUIRE(even.has_value());
  CHECK(providers_for_tasks(*even, 1, {{"a", 1}}) == Names{"b"});
  CHECK(providers_for_tasks(*even, 2, {{"b", 2}}) == Names{"a", "a"});
  // Providers the strategy no longer names, and negative counts, do not count.
  CHECK(providers_for_tasks(*even, 2, {{"gone", 5}, {"a", -3}}) == Names{"a", "b"});
  CHECK(providers_for_tasks(*even, 0, {{"a", 1}}).empty());
}

}  // namespace capacity_provider_strategy_test
