#include "model/cluster_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/shape_checked.hpp"
#include "model/request_shapes.hpp"

namespace cluster_requests_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;
using berth::testing::shape_checked;

namespace {

const ArnScope k_arns{"local", "000000000000"};

}  // namespace

TEST_CASE("CreateCluster decoder: defaults and ECS's errors", "[model][requests]") {
  auto plain = decode_create_cluster(shape_checked(request_shapes::create_cluster, Json::object()));
  REQUIRE(plain.has_value());
  CHECK(plain->cluster.name == "default");
  CHECK(plain->cluster.settings.dump() == R"([{"name":"containerInsights","value":"disabled"}])");
  CHECK(plain->tags.empty());

  auto full = decode_create_cluster(shape_checked(request_shapes::create_cluster, Json::parse(R"({"clusterName":"edge",
      "tags":[{"key":"site","value":"north"}],"settings":[{"name":"containerInsights","value":"enhanced"}],
      "capacityProviders":["cp"]})")));
  REQUIRE(full.has_value());
  CHECK(full->cluster.name == "edge");
  CHECK(full->tags == std::vector<Tag>{{"site", "north"}});
  CHECK(full->cluster.settings[0]["value"] == "enhanced");
  CHECK(full->cluster.capacity.dump() == R"({"capacityProviders":["cp"]})");

  check_error(decode_create_cluster(Json{{"clusterName", "no/slashes"}}), Code::invalid_parameter,
              "Cluster name 'no/slashes' is invalid: up to 255 letters (uppercase and lowercase), numbers, hyphens, "
              "and underscores are allowed.");
  check_error(decode_create_cluster(Json::parse(R"({"tags":[{"key":"aws:x","value":"1"}]})")), Code::invalid_parameter,
              "Tag key 'aws:x' uses the reserved prefix 'aws:'.");
  check_error(decode_create_cluster(Json::parse(R"({"settings":[{"name":"containerInsights","value":"on"}]})")),
              Code::invalid_parameter, "The containerInsights setting must be enabled, disabled or enhanced.");
}

TEST_CASE("DescribeClusters, ListClusters and DeleteCluster decoders", "[model][requests]") {
  auto described = decode_describe_clusters(Json::parse(R"({"clusters":["a","b"],"include":["TAGS","STATISTICS"]})"));
  REQUIRE(described.has_value());
  CHECK(described->clusters == std::vector<std::string>{"a", "b"});
  CHECK(described->with_tags);
  CHECK(described->with_statistics);
  CHECK_FALSE(described->with_settings);
  CHECK(decode_describe_clusters(Json::object())->clusters.empty());
  check_error(decode_describe_clusters(Json{{"clusters", std::vector<std::string>(101, "c")}}), Code::invalid_parameter,
              "DescribeClusters takes at most 100 clusters.");

  auto listed = decode_list_clusters(Json{{"maxResults", 2}, {"nextToken", make_next_token("clusters", "c1")}});
  REQUIRE(listed.has_value());
  CHECK(listed->page.limit == 2);
  CHECK(listed->page.after == "c1");
  check_error(decode_list_clusters(Json{{"nextToken", make_next_token("families", "f")}}), Code::invalid_parameter,
              "The nextToken is not valid for this request.");

  CHECK(decode_delete_cluster(Json{{"cluster", "edge"}})->cluster == "edge");
}

TEST_CASE("cluster encoders: golden replies", "[model][requests]") {
  ClusterDescription edge{Cluster{"edge", ClusterStatus::active, Json::parse(R"([{"name":"containerInsights","value":"disabled"}])"),
                                  Json::object(), 1},
                          ClusterCounts{1, 2, 3, 4, 5}, true, false, std::vector<Tag>{{"k", "v"}}};
  CHECK(encode_cluster_reply({edge}, k_arns).dump() ==
        R"({"cluster":{"activeServicesCount":4,"capacityProviders":[],"clusterArn":"arn:aws:ecs:local:000000000000:cluster/edge",)"
        R"("clusterName":"edge","defaultCapacityProviderStrategy":[],"pendingTasksCount":3,)"
        R"("registeredContainerInstancesCount":1,"runningTasksCount":2,)"
        R"("settings":[{"name":"containerInsights","value":"disabled"}],"statistics":[],"status":"ACTIVE",)"
        R"("tags":[{"key":"k","value":"v"}]}})");

  edge.with_settings = false;
  edge.with_statistics = true;
  edge.tags.reset();
  CHECK(encode_describe_clusters({{edge}, {{"arn:aws:ecs:local:000000000000:cluster/x", "MISSING"}}}, k_arns).dump() ==
        R"({"clusters":[{"activeServicesCount":4,"capacityProviders":[],)"
        R"("clusterArn":"arn:aws:ecs:local:000000000000:cluster/edge","clusterName":"edge",)"
        R"("defaultCapacityProviderStrategy":[],"pendingTasksCount":3,"registeredContainerInstancesCount":1,)"
        R"("runningTasksCount":2,"statistics":[{"name":"runningEC2TasksCount","value":"2"},)"
        R"({"name":"pendingEC2TasksCount","value":"3"},{"name":"activeEC2ServiceCount","value":"4"},)"
        R"({"name":"drainingEC2ServiceCount","value":"5"},{"name":"runningFargateTasksCount","value":"0"},)"
        R"({"name":"pendingFargateTasksCount","value":"0"},{"name":"activeFargateServiceCount","value":"0"},)"
        R"({"name":"drainingFargateServiceCount","value":"0"}],"status":"ACTIVE","tags":[]}],)"
        R"("failures":[{"arn":"arn:aws:ecs:local:000000000000:cluster/x","reason":"MISSING"}]})");

  CHECK(encode_list_clusters({{"arn:a", "arn:b"}, std::nullopt}).dump() == R"({"clusterArns":["arn:a","arn:b"]})");
  CHECK(encode_list_clusters({{}, "dG9r"}).dump() == R"({"clusterArns":[],"nextToken":"dG9r"})");
}

}  // namespace cluster_requests_test
