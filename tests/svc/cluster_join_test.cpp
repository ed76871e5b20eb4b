// Join tokens: made once, spent once by a joining node, which becomes a registered instance with
// a key of its own; unknown, used and expired tokens are refused and write nothing.
#include "svc/cluster_join.hpp"

#include <catch2/catch.hpp>

#include "fixtures/cluster_call.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/access_keys.hpp"

namespace cluster_join_test {

using namespace berth;
using berth::testing::cluster_call;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

// What a joining gateway sends: its zone and type, a custom attribute, its resources.
Json join_request(const std::string& token, const std::string& zone = "zone-a") {
  return Json{{"joinToken", token},
              {"attributes", Json::array({{{"name", "ecs.availability-zone"}, {"value", zone}},
                                          {{"name", "ecs.instance-type"}, {"value", "edge-box"}},
                                          {{"name", "line"}, {"value", "7"}}})},
              {"totalResources", Json::parse(R"([{"name":"CPU","type":"INTEGER","integerValue":2048},
                                                 {"name":"MEMORY","type":"INTEGER","integerValue":1024}])")},
              {"versionInfo", {{"agentVersion", "berth"}}}};
}

std::string new_token(ServiceFixture& f, const Json& request = Json::object()) {
  auto made = cluster_call(*f.ctx, "CreateJoinToken", request);
  REQUIRE_OK(made);
  const std::string token = (*made)["joinToken"];
  CHECK(token.starts_with("bjt-"));
  CHECK((*made)["clusterArn"] == "arn:aws:ecs:local:000000000000:cluster/default");
  return token;
}

std::size_t instance_count(ServiceFixture& f) {
  auto listed = ecs_call(*f.ctx, "ListContainerInstances", Json::object());
  REQUIRE_OK(listed);
  return (*listed)["containerInstanceArns"].size();
}

}  // namespace

TEST_CASE("A join token registers one instance with its attributes and gives it its own key", "[svc][cluster]") {
  ServiceFixture f;
  const std::string token = new_token(f);
  auto joined = cluster_call(*f.ctx, "JoinCluster", join_request(token));
  REQUIRE_OK(joined);
  const std::string arn = (*joined)["containerInstanceArn"];
  CHECK(arn.starts_with("arn:aws:ecs:local:000000000000:container-instance/default/"));
  const std::string id = arn.substr(arn.rfind('/') + 1);

  auto described = ecs_call(*f.ctx, "DescribeContainerInstances", Json{{"containerInstances", {arn}}});
  REQUIRE_OK(described);
  const Json& instance = (*described)["containerInstances"][0];
  CHECK(instance["status"] == "ACTIVE");
  CHECK(instance["agentConnected"] == true);
  std::map<std::string, std::string> attributes;
  for (const auto& a : instance["attributes"]) attributes[a["name"]] = a.value("value", "");
  CHECK(attributes["ecs.availability-zone"] == "zone-a");
  CHECK(attributes["ecs.instance-type"] == "edge-box");
  CHECK(attributes["line"] == "7");
  CHECK(instance["registeredResources"][0]["integerValue"] == 2048);

  // The key belongs to the instance's user and carries the instance's policy, nothing wider.
  auto key = svc::find_access_key(*f.ctx, (*joined)["accessKeyId"]);
  REQUIRE_OK(key);
  REQUIRE(key->has_value());
  CHECK((*key)->user_name == "ci-" + id);
  CHECK((*key)->secret == (*joined)["secretAccessKey"]);
  CHECK((*key)->policy_name == "custom");
  CHECK((*key)->policy_document == svc::instance_key_policy(f.ctx->arns, "default", id));

  // Spent: the same token joins nothing more, and says so.
  auto again = cluster_call(*f.ctx, "JoinCluster", join_request(token));
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == Code::client);
  CHECK_THAT(again.error().message, Catch::Contains("already used") && Catch::Contains(id));
  CHECK(instance_count(f) == 1);
}

TEST_CASE("Unknown and expired join tokens are refused and write nothing", "[svc][cluster]") {
  ServiceFixture f;
  auto unknown = cluster_call(*f.ctx, "JoinCluster", join_request("bjt-nothing-like-it"));
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == Code::client);
  CHECK_THAT(unknown.error().message, Catch::Contains("not valid"));

  const std::string token = new_token(f, Json{{"ttlSeconds", 60}});
  f.clock.advance_ms(60'000);  // its last valid moment has passed
  auto expired = cluster_call(*f.ctx, "JoinCluster", join_request(token));
  REQUIRE_FALSE(expired.has_value());
  CHECK(expired.error().code == Code::client);
  CHECK_THAT(expired.error().message, Catch::Contains("expired"));
  CHECK(instance_count(f) == 0);
  auto keys = svc::list_access_keys(*f.ctx, std::nullopt);
  REQUIRE_OK(keys);
  CHECK(keys->empty());

  const std::string fresh = new_token(f, Json{{"ttlSeconds", 60}});
  f.clock.advance_ms(59'999);
  REQUIRE_OK(cluster_call(*f.ctx, "JoinCluster", join_request(fresh)));
  CHECK(instance_count(f) == 1);
}

TEST_CASE("Join tokens: their cluster must exist, ttl is bounded, and at most 100 live at once", "[svc][cluster]") {
  ServiceFixture f;
  auto nowhere = cluster_call(*f.ctx, "CreateJoinToken", Json{{"cluster", "nowhere"}});
  REQUIRE_FALSE(nowhere.has_value());
  CHECK(nowhere.error().code == Code::cluster_not_found);
  CHECK_FALSE(cluster_call(*f.ctx, "CreateJoinToken", Json{{"ttlSeconds", 0}}).has_value());
  CHECK_FALSE(cluster_call(*f.ctx, "CreateJoinToken", Json{{"ttlSeconds", 31 * 86400}}).has_value());

  for (std::size_t i = 0; i < svc::k_max_join_tokens; ++i) {
    REQUIRE_OK(cluster_call(*f.ctx, "CreateJoinToken", Json{{"ttlSeconds", 10}}));
  }
  auto full = cluster_call(*f.ctx, "CreateJoinToken", Json::object());
  REQUIRE_FALSE(full.has_value());
  CHECK(full.error().code == Code::limit_exceeded);
  f.clock.advance_ms(10'000);  // all expired: dropped when the next is made
  REQUIRE_OK(cluster_call(*f.ctx, "CreateJoinToken", Json::object()));
}

TEST_CASE("Instance keys are made only by joining, and go when their instance is deregistered", "[svc][cluster]") {
  ServiceFixture f;
  auto named = svc::create_access_key(*f.ctx, "ci-0123", "admin", "");
  REQUIRE_FALSE(named.has_value());
  CHECK(named.error().code == Code::invalid_parameter);

  auto joined = cluster_call(*f.ctx, "JoinCluster", join_request(new_token(f)));
  REQUIRE_OK(joined);
  REQUIRE_OK(ecs_call(*f.ctx, "DeregisterContainerInstance", Json{{"containerInstance", (*joined)["containerInstanceArn"]}}));
  auto key = svc::find_access_key(*f.ctx, (*joined)["accessKeyId"]);
  REQUIRE_OK(key);
  CHECK_FALSE(key->has_value());
}

}  // namespace cluster_join_test
