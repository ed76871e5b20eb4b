// BerthCluster's dispatch and what a joined instance's key may do: its own instance's agent
// actions, nothing else.
#include "api/cluster_dispatch.hpp"

#include <catch2/catch.hpp>

#include "api/auth/policy.hpp"
#include "api/auth/request_resources.hpp"
#include "svc/cluster_join.hpp"

namespace cluster_dispatch_test {

using namespace berth;
using namespace berth::api::auth;
using model::Json;

namespace {

const ArnScope k_arns{"local", "000000000000"};
const std::string k_instance = "0123456789abcdef0123456789abcdef";

// Whether the instance key's policy lets `action` of `service` on `request` through.
bool allowed(std::string_view service, std::string_view action, const Json& request) {
  auto policy = parse_policy(svc::instance_key_policy(k_arns, "plant-7", k_instance));
  REQUIRE(policy.has_value());
  const RequestContext context{k_arns, "default", "ci-" + k_instance};
  auto access = requested_access(context, service, action, request);
  REQUIRE(access.has_value());
  return !first_refusal(std::span(&*policy, 1), *access);
}

}  // namespace

TEST_CASE("An instance key polls its own instance and reports in its cluster, and nothing more", "[api][cluster]") {
  const std::string own = "arn:aws:ecs:local:000000000000:container-instance/plant-7/" + k_instance;
  CHECK(allowed("berth", "PollInstanceTasks", {{"cluster", "plant-7"}, {"containerInstance", own}}));
  CHECK(allowed("berth", "PollInstanceTasks", {{"cluster", "plant-7"}, {"containerInstance", k_instance}}));
  CHECK_FALSE(allowed("berth", "PollInstanceTasks", {{"cluster", "plant-7"}, {"containerInstance", "ff"}}));
  CHECK_FALSE(allowed("berth", "PollInstanceTasks", {{"cluster", "plant-8"}, {"containerInstance", k_instance}}));
  CHECK(allowed("berth", "SubmitTaskLogs", {{"cluster", "plant-7"}, {"containerInstance", own}}));
  CHECK_FALSE(allowed("berth", "SubmitTaskLogs", {{"cluster", "plant-7"}, {"containerInstance", "ff"}}));
  CHECK(allowed("berth", "SubmitExecResult", {{"cluster", "plant-7"}, {"containerInstance", own}}));
  CHECK_FALSE(allowed("berth", "SubmitExecResult", {{"cluster", "plant-7"}, {"containerInstance", "ff"}}));
  CHECK(allowed("ecs", "SubmitTaskStateChange", {{"cluster", "plant-7"}, {"task", "t1"}}));
  CHECK(allowed("ecs", "SubmitContainerStateChange", {{"cluster", "plant-7"}, {"task", "t1"}}));
  CHECK_FALSE(allowed("ecs", "SubmitTaskStateChange", {{"cluster", "plant-8"}, {"task", "t1"}}));
  CHECK(allowed("ecs", "DiscoverPollEndpoint", {{"cluster", "plant-7"}}));
  CHECK_FALSE(allowed("ecs", "RunTask", {{"cluster", "plant-7"}, {"taskDefinition", "web:1"}}));
  CHECK_FALSE(allowed("ecs", "DescribeClusters", {{"clusters", {"plant-7"}}}));
  // Re-registering itself (the use case refuses a new or another instance to an instance key).
  CHECK(allowed("ecs", "RegisterContainerInstance", {{"cluster", "plant-7"}, {"containerInstanceArn", own}}));
  CHECK_FALSE(allowed("ecs", "RegisterContainerInstance", {{"cluster", "plant-7"}, {"containerInstanceArn", "ff"}}));
  CHECK_FALSE(allowed("ecs", "DeregisterContainerInstance", {{"cluster", "plant-7"}, {"containerInstance", own}}));
  CHECK_FALSE(allowed("berth", "CreateJoinToken", {{"cluster", "plant-7"}}));
}

TEST_CASE("BerthCluster requests are shape-checked; unknown actions are refused", "[api][cluster]") {
  auto unknown = api::decode_cluster_request("BerthCluster.Nope", "{}");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().error_type == "UnknownOperationException");
  auto no_token = api::decode_cluster_request("BerthCluster.JoinCluster", R"({"totalResources":[]})");
  REQUIRE_FALSE(no_token.has_value());
  CHECK(no_token.error().error_type == "InvalidParameterException");
  // A joining node names no cluster: the token's is the one it joins.
  auto with_cluster = api::decode_cluster_request("BerthCluster.JoinCluster", R"({"joinToken":"x","cluster":"other"})");
  REQUIRE_FALSE(with_cluster.has_value());
  auto poll = api::decode_cluster_request("BerthCluster.PollInstanceTasks",
                                          R"({"containerInstance":"ab","cursor":"c","waitSeconds":5})");
  REQUIRE(poll.has_value());
  CHECK(poll->action == "PollInstanceTasks");
  CHECK_FALSE(api::decode_cluster_request("BerthCluster.PollInstanceTasks", R"({"waitSeconds":5})").has_value());
}

}  // namespace cluster_dispatch_test
