#include "model/capacity_provider_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/shape_checked.hpp"
#include "model/capacity_provider_shapes.hpp"

namespace capacity_provider_requests_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;
using berth::testing::shape_checked;
namespace shapes = berth::model::capacity_provider_shapes;

namespace {

const ArnScope k_arns{"local", "000000000000"};

}  // namespace

TEST_CASE("CreateCapacityProvider decoder", "[model][capacity]") {
  auto ok = decode_create_capacity_provider(shape_checked(shapes::create_capacity_provider, Json::parse(
      R"({"name":"edge","autoScalingGroupProvider":{"autoScalingGroupArn":"g"},"tags":[{"key":"a","value":"1"}]})")));
  REQUIRE(ok.has_value());
  CHECK(ok->provider.name == "edge");
  CHECK(ok->provider.auto_scaling_group_provider["managedDraining"] == "ENABLED");
  CHECK(ok->tags == std::vector<Tag>{{"a", "1"}});
  check_error(decode_create_capacity_provider(shape_checked(shapes::create_capacity_provider, Json{{"name", "edge"}})),
              Code::invalid_parameter,
              "autoScalingGroupProvider is required: a gateway's capacity providers are Auto Scaling group providers.");
  check_error(decode_create_capacity_provider(shape_checked(shapes::create_capacity_provider, Json::parse(
                  R"({"name":"edge","cluster":"default","autoScalingGroupProvider":{"autoScalingGroupArn":"g"}})"))),
              Code::invalid_parameter,
              "cluster is only for Managed Instances capacity providers; associate an Auto Scaling group capacity "
              "provider with PutClusterCapacityProviders.");
  auto managed = decode_create_capacity_provider(
      shape_checked(shapes::create_capacity_provider, Json::parse(R"({"name":"edge","managedInstancesProvider":{}})")));
  REQUIRE_FALSE(managed.has_value());
  CHECK(managed.error().code == Code::unsupported_feature);
  check_error(decode_create_capacity_provider(shape_checked(shapes::create_capacity_provider, Json::parse(
                  R"({"name":"aws-x","autoScalingGroupProvider":{"autoScalingGroupArn":"g"}})"))),
              Code::client, "The capacity provider name cannot start with 'aws', 'ecs' or 'fargate'.");
  // The shape bounds managed scaling as the ECS model does.
  Json out_of_range = Json::parse(R"({"name":"edge","autoScalingGroupProvider":{"autoScalingGroupArn":"g",
      "managedScaling":{"targetCapacity":101}}})");
  CHECK_FALSE(check_shape(out_of_range, shapes::create_capacity_provider).has_value());
}

TEST_CASE("DescribeCapacityProviders, Update, Delete and PutClusterCapacityProviders decoders", "[model][capacity]") {
  auto all = decode_describe_capacity_providers(shape_checked(shapes::describe_capacity_providers,
                                                              Json{{"maxResults", 4}, {"include", {"TAGS"}}}));
  REQUIRE(all.has_value());
  CHECK(all->page.limit == 4);
  CHECK(all->with_tags);
  CHECK(all->capacity_providers.empty());
  auto plain = decode_describe_capacity_providers(shape_checked(shapes::describe_capacity_providers, Json::object()));
  REQUIRE(plain.has_value());
  CHECK(plain->page.limit == 10);
  CHECK_FALSE(plain->cluster);
  check_error(decode_describe_capacity_providers(shape_checked(shapes::describe_capacity_providers, Json{{"maxResults", 0}})),
              Code::invalid_parameter, "maxResults must be between 1 and 10.");
  check_error(decode_describe_capacity_providers(shape_checked(shapes::describe_capacity_providers,
                                                               Json{{"capacityProviders", {"a"}}, {"nextToken", "x"}})),
              Code::invalid_parameter,
              "maxResults and nextToken page through all capacity providers; they cannot be used with "
              "capacityProviders or cluster.");

  auto update = decode_update_capacity_provider(shape_checked(shapes::update_capacity_provider, Json::parse(
      R"({"name":"edge","autoScalingGroupProvider":{"managedDraining":"DISABLED"}})")));
  REQUIRE(update.has_value());
  CHECK(update->name == "edge");
  CHECK(update->auto_scaling_group_provider == Json{{"managedDraining", "DISABLED"}});
  check_error(decode_update_capacity_provider(shape_checked(shapes::update_capacity_provider, Json{{"name", "edge"}})),
              Code::invalid_parameter, "autoScalingGroupProvider is required.");

  auto deleted = decode_delete_capacity_provider(shape_checked(shapes::delete_capacity_provider,
                                                               Json{{"capacityProvider", "edge"}}));
  REQUIRE(deleted.has_value());
  CHECK(deleted->capacity_provider == "edge");

  auto put = decode_put_cluster_capacity_providers(shape_checked(shapes::put_cluster_capacity_providers, Json::parse(
      R"({"cluster":"default","capacityProviders":["a","b"],"defaultCapacityProviderStrategy":[{"capacityProvider":"b","weight":2}]})")));
  REQUIRE(put.has_value());
  CHECK(put->capacity_providers == std::vector<std::string>{"a", "b"});
  REQUIRE(put->default_strategy.size() == 1);
  CHECK(put->default_strategy[0].weight == 2);
  check_error(decode_put_cluster_capacity_providers(shape_checked(shapes::put_cluster_capacity_providers, Json::parse(
                  R"({"cluster":"default","capacityProviders":["FARGATE"],"defaultCapacityProviderStrategy":[]})"))),
              Code::invalid_parameter, "The capacity provider FARGATE is not supported: " + std::string(k_no_fargate));

  // ECS's quota: 20 per cluster; each listed once.
  Json names = Json::array();
  for (int i = 0; i < 20; ++i) names.push_back("p" + std::to_string(i));
  const auto put_body = [](const Json& providers) {
    return shape_checked(shapes::put_cluster_capacity_providers,
                         Json{{"cluster", "default"}, {"capacityProviders", providers},
                              {"defaultCapacityProviderStrategy", Json::array()}});
  };
  auto twenty = decode_put_cluster_capacity_providers(put_body(names));
  REQUIRE(twenty.has_value());
  CHECK(twenty->capacity_providers.size() == 20);
  names.push_back("p20");
  check_error(decode_put_cluster_capacity_providers(put_body(names)), Code::invalid_parameter,
              "A cluster can have at most 20 capacity providers; 21 were given.");
  check_error(decode_put_cluster_capacity_providers(put_body(Json{"a", "b", "a"})), Code::invalid_parameter,
              "The capacity provider a is listed more than once.");
}

TEST_CASE("Capacity provider replies", "[model][capacity]") {
  CapacityProvider p;
  p.name = "edge";
  p.auto_scaling_group_provider = Json{{"autoScalingGroupArn", "g"}};
  CHECK(encode_capacity_provider_reply({{p, "", std::nullopt}}, k_arns).dump() ==
        R"({"capacityProvider":{"autoScalingGroupProvider":{"autoScalingGroupArn":"g"},)"
        R"("capacityProviderArn":"arn:aws:ecs:local:000000000000:capacity-provider/edge","name":"edge",)"
        R"("status":"ACTIVE","type":"EC2_AUTOSCALING"}})");
  DescribeCapacityProvidersReply reply;
  reply.capacity_providers.push_back({std::nullopt, "FARGATE", std::nullopt});
  reply.failures.push_back({"arn:x", "MISSING"});
  reply.next_token = "t";
  CHECK(encode_describe_capacity_providers(reply, k_arns).dump() ==
        R"({"capacityProviders":[{"capacityProviderArn":"arn:aws:ecs:local:000000000000:capacity-provider/FARGATE",)"
        R"("name":"FARGATE","status":"ACTIVE","type":"FARGATE"}],"failures":[{"arn":"arn:x","reason":"MISSING"}],)"
        R"("nextToken":"t"})");
}

}  // namespace capacity_provider_requests_test
