#include "cli/revision_request.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::revision_request_test {

TEST_CASE("next revision: the described definition without ECS's members, with the new image", "[cli]") {
  const auto described = model::Json::parse(R"({"taskDefinition": {
      "taskDefinitionArn": "arn:aws:ecs:local:0:task-definition/web:1", "family": "web", "revision": 1,
      "status": "ACTIVE", "requiresAttributes": [], "compatibilities": ["EC2"], "registeredAt": 1.0,
      "registeredBy": "root", "networkMode": "bridge",
      "containerDefinitions": [{"name": "main", "image": "busybox", "memory": 32}]},
    "tags": [{"key": "team", "value": "ops"}, {"key": "berth-run-digest", "value": "abc"}]})");
  const auto request = next_revision_request(described, "registry.local/web:2", "");
  REQUIRE(request);
  CHECK(*request == model::Json::parse(R"({"family": "web", "networkMode": "bridge",
      "containerDefinitions": [{"name": "main", "image": "registry.local/web:2", "memory": 32}],
      "tags": [{"key": "team", "value": "ops"}]})"));
  CHECK((*next_revision_request(described, "", ""))["containerDefinitions"][0]["image"] == "busybox");
  CHECK_FALSE(next_revision_request(described, "x", "sidecar"));
  CHECK_FALSE(next_revision_request(model::Json::object(), "x", ""));
}

TEST_CASE("next revision: which container of several gets the image", "[cli]") {
  auto described = model::Json::parse(R"({"taskDefinition": {"family": "web", "containerDefinitions": [
      {"name": "main", "image": "a", "essential": true}, {"name": "log", "image": "b", "essential": false}]}})");
  CHECK((*next_revision_request(described, "c", ""))["containerDefinitions"][0]["image"] == "c");
  CHECK((*next_revision_request(described, "c", "log"))["containerDefinitions"][1]["image"] == "c");
  described["taskDefinition"]["containerDefinitions"][1]["essential"] = true;
  const auto unclear = next_revision_request(described, "c", "");
  REQUIRE_FALSE(unclear);
  CHECK(unclear.error().message.find("--container NAME") != std::string::npos);
}

}  // namespace berth::cli::revision_request_test
