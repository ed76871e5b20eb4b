#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"

namespace clusters_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

TEST_CASE_METHOD(ServiceFixture, "DeleteCluster is refused while the cluster holds things", "[svc]") {
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "CreateCluster", Json{{"clusterName", "edge"}}));

  SECTION("container instances") {
    REQUIRE_OK(berth::testing::ecs_call(*ctx, "RegisterContainerInstance", Json{{"cluster", "edge"}}));
    auto r = berth::testing::ecs_call(*ctx, "DeleteCluster", Json{{"cluster", "edge"}});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Code::cluster_contains_container_instances);
  }
  SECTION("services") {
    REQUIRE_OK(store->exec_for_test(
        "INSERT INTO services VALUES('edge','web','ACTIVE','{}',1)"));
    auto r = berth::testing::ecs_call(*ctx, "DeleteCluster", Json{{"cluster", "edge"}});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Code::cluster_contains_services);
  }
  SECTION("tasks not yet stopped") {
    REQUIRE_OK(store->exec_for_test(
        "INSERT INTO tasks(id, cluster, desired_status, last_status, body, created_at) VALUES('0123','edge','STOPPED','STOPPING','{}',1)"));
    auto r = berth::testing::ecs_call(*ctx, "DeleteCluster", Json{{"cluster", "edge"}});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Code::cluster_contains_tasks);
  }
  SECTION("an empty cluster goes INACTIVE and can be created again") {
    auto r = berth::testing::ecs_call(*ctx, "DeleteCluster", Json{{"cluster", ctx->arns.cluster("edge")}});
    REQUIRE_OK(r);
    CHECK((*r)["cluster"]["status"] == "INACTIVE");
    auto missing = berth::testing::ecs_call(*ctx, "DeleteCluster", Json{{"cluster", "edge"}});
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == Code::cluster_not_found);
    auto again = berth::testing::ecs_call(*ctx, "CreateCluster", Json{{"clusterName", "edge"}});
    REQUIRE_OK(again);
    CHECK((*again)["cluster"]["status"] == "ACTIVE");
  }
}

TEST_CASE_METHOD(ServiceFixture, "DescribeClusters reports MISSING and counts", "[svc]") {
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "RegisterContainerInstance", Json::object()));
  auto r = berth::testing::ecs_call(*ctx, "DescribeClusters", Json::parse(R"({"clusters":["default","nope"],"include":["STATISTICS","TAGS"]})"));
  REQUIRE_OK(r);
  REQUIRE((*r)["clusters"].size() == 1);
  CHECK((*r)["clusters"][0]["registeredContainerInstancesCount"] == 1);
  CHECK((*r)["clusters"][0]["statistics"].size() == 8);
  CHECK((*r)["failures"][0]["reason"] == "MISSING");
  CHECK((*r)["failures"][0]["arn"] == ctx->arns.cluster("nope"));
}

TEST_CASE_METHOD(ServiceFixture, "CreateCluster is idempotent and keeps tags", "[svc]") {
  auto first = berth::testing::ecs_call(*ctx, "CreateCluster", Json::parse(R"({"clusterName":"edge","tags":[{"key":"a","value":"b"}]})"));
  REQUIRE_OK(first);
  CHECK((*first)["cluster"]["tags"][0]["key"] == "a");
  auto second = berth::testing::ecs_call(*ctx, "CreateCluster", Json{{"clusterName", "edge"}});
  REQUIRE_OK(second);
  CHECK((*second)["cluster"]["tags"].size() == 1);
  auto bad = berth::testing::ecs_call(*ctx, "CreateCluster", Json{{"clusterName", "no/slashes"}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == Code::invalid_parameter);
}

TEST_CASE_METHOD(ServiceFixture, "ListClusters pages with nextToken", "[svc]") {
  for (int i = 0; i < 5; ++i) REQUIRE_OK(berth::testing::ecs_call(*ctx, "CreateCluster", Json{{"clusterName", "c" + std::to_string(i)}}));
  std::vector<std::string> seen;
  Json request{{"maxResults", 2}};
  for (int pages = 0; pages < 10; ++pages) {
    auto r = berth::testing::ecs_call(*ctx, "ListClusters", request);
    REQUIRE_OK(r);
    for (const auto& arn : (*r)["clusterArns"]) seen.push_back(arn);
    if (!r->contains("nextToken")) break;
    request["nextToken"] = (*r)["nextToken"];
  }
  CHECK(seen.size() == 6);  // c0..c4 and default
  auto bad = berth::testing::ecs_call(*ctx, "ListClusters", Json{{"nextToken", "garbage"}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == Code::invalid_parameter);
}

TEST_CASE_METHOD(ServiceFixture, "UpdateCluster keeps and returns configuration and serviceConnectDefaults", "[svc]") {
  REQUIRE_OK(ecs_call(*ctx, "CreateCluster", Json{{"clusterName", "plant"}}));
  const Json configuration = Json::parse(R"({"executeCommandConfiguration":{"kmsKeyId":"k1","logging":"OVERRIDE",
      "logConfiguration":{"cloudWatchLogGroupName":"exec","cloudWatchEncryptionEnabled":true}},
      "managedStorageConfiguration":{"kmsKeyId":"k2"}})");
  auto updated = ecs_call(*ctx, "UpdateCluster", Json{{"cluster", "plant"}, {"configuration", configuration},
                                                      {"serviceConnectDefaults", {{"namespace", "factory"}}}});
  REQUIRE_OK(updated);
  CHECK((*updated)["cluster"]["configuration"] == configuration);
  CHECK((*updated)["cluster"]["serviceConnectDefaults"] == Json{{"namespace", "factory"}});
  CHECK((*updated)["cluster"]["settings"] == Json::parse(R"([{"name":"containerInsights","value":"disabled"}])"));
  auto described = ecs_call(*ctx, "DescribeClusters", Json{{"clusters", {"plant"}}});
  REQUIRE_OK(described);
  CHECK((*described)["clusters"][0]["configuration"] == configuration);
  CHECK((*described)["clusters"][0]["serviceConnectDefaults"] == Json{{"namespace", "factory"}});

  // Only what a request gives changes; an empty namespace removes the default, as in ECS.
  updated = ecs_call(*ctx, "UpdateCluster", Json{{"cluster", "plant"}, {"serviceConnectDefaults", {{"namespace", ""}}}});
  REQUIRE_OK(updated);
  CHECK_FALSE((*updated)["cluster"].contains("serviceConnectDefaults"));
  CHECK((*updated)["cluster"]["configuration"] == configuration);
  CHECK_FALSE(store->find_cluster("plant").value()->capacity.contains("serviceConnectDefaults"));

  const auto refused = [&](Json body) {
    auto result = ecs_call(*ctx, "UpdateCluster", body);
    REQUIRE_FALSE(result.has_value());
    return result.error();
  };
  const auto no_log = refused(Json{{"cluster", "plant"},
                                   {"configuration", {{"executeCommandConfiguration", {{"logging", "OVERRIDE"}}}}}});
  CHECK(no_log.code == Code::invalid_parameter);
  CHECK(no_log.message == "executeCommandConfiguration.logConfiguration is required when logging is OVERRIDE.");
  CHECK(refused(Json{{"cluster", "plant"}, {"configuration", {{"executeCommandConfiguration", {{"logging", "LOUD"}}}}}})
            .code == Code::invalid_parameter);
  const auto unknown = refused(Json{{"cluster", "plant"}, {"configuration", {{"fargate", true}}}});
  CHECK(unknown.code == Code::invalid_parameter);
  CHECK(unknown.message.find("Unknown parameter 'fargate'") != std::string::npos);
  CHECK(refused(Json{{"cluster", "nowhere"}, {"serviceConnectDefaults", {{"namespace", "x"}}}}).code ==
        Code::cluster_not_found);
  // A refused update changed nothing.
  CHECK(store->find_cluster("plant").value()->capacity["configuration"] == configuration);
}

}  // namespace clusters_test
