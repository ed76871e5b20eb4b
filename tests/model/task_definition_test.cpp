#include "model/task_definition.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "model/request_shapes.hpp"

namespace task_definition_test {

using namespace berth;
using namespace berth::model;
using berth::testing::make_task_def;

namespace {

Result<RegisterRequest> normalize(Json body) {
  BERTH_TRY(check_shape(body, request_shapes::register_task_definition));
  return normalize_task_definition(body);
}

// Returns the error message of registering `body`, "" if it registers.
std::string rejection(const Json& body) {
  auto r = normalize(body);
  return r ? "" : r.error().message;
}

Json with_container(Json container) {
  Json td = make_task_def();
  td["containerDefinitions"][0].merge_patch(container);
  return td;
}

}  // namespace

TEST_CASE("the example task definition normalises with ECS defaults", "[model]") {
  auto r = normalize(make_task_def());
  REQUIRE(r.has_value());
  const Json& c = r->body["containerDefinitions"][0];
  CHECK(c["essential"] == true);
  CHECK(c["environment"] == Json::array());
  CHECK(c["mountPoints"] == Json::array());
  CHECK(c["portMappings"][0]["protocol"] == "tcp");
  CHECK(r->body["networkMode"] == "bridge");
  CHECK(r->body["volumes"] == Json::array());
}

TEST_CASE("honoured fields and the accepted values of pending ones round-trip", "[model]") {
  auto r = normalize(with_container(Json::parse(
      R"({"dockerLabels":{},"ulimits":[{"name":"nofile","softLimit":1024,"hardLimit":4096}],
          "linuxParameters":{"initProcessEnabled":false,"capabilities":{"add":["NET_ADMIN"]}},
          "logConfiguration":{"logDriver":"json-file"},
          "restartPolicy":{"enabled":false,"ignoredExitCodes":[0],"restartAttemptPeriod":60}})")));
  REQUIRE(r.has_value());
  const Json& c = r->body["containerDefinitions"][0];
  CHECK(c["dockerLabels"] == Json::object());
  CHECK(c["ulimits"][0]["hardLimit"] == 4096);
  CHECK(c["linuxParameters"]["capabilities"]["add"][0] == "NET_ADMIN");
  CHECK(c["logConfiguration"]["logDriver"] == "json-file");
  CHECK(c["restartPolicy"]["restartAttemptPeriod"] == 60);
}

TEST_CASE("task cpu and memory strings are normalised", "[model]") {
  Json td = make_task_def();
  td["cpu"] = "1 vCPU";
  td["memory"] = "1GB";
  auto r = normalize(td);
  REQUIRE(r.has_value());
  CHECK(r->body["cpu"] == "1024");
  CHECK(r->body["memory"] == "1024");
}

TEST_CASE("host networking maps hostPort to containerPort", "[model]") {
  Json td = make_task_def();
  td["networkMode"] = "host";
  td["containerDefinitions"][0]["portMappings"] = Json::parse(R"([{"containerPort":8080}])");
  auto r = normalize(td);
  REQUIRE(r.has_value());
  CHECK(r->body["containerDefinitions"][0]["portMappings"][0]["hostPort"] == 8080);
  td["containerDefinitions"][0]["portMappings"][0]["hostPort"] = 80;
  CHECK(rejection(td).find("hostPort") != std::string::npos);
}

TEST_CASE("task definition rules are enforced as ECS does", "[model]") {
  SECTION("family pattern") {
    Json td = make_task_def();
    td["family"] = "bad/family";
    auto r = normalize(td);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Code::client);
    CHECK(r.error().message == "Family contains invalid characters.");
  }
  SECTION("1 to 10 containers") {
    Json td = make_task_def();
    td["containerDefinitions"] = Json::array();
    CHECK_FALSE(rejection(td).empty());
    for (int i = 0; i < 11; ++i) {
      Json c = make_task_def()["containerDefinitions"][0];
      c["name"] = "c" + std::to_string(i);
      c.erase("portMappings");
      td["containerDefinitions"].push_back(c);
    }
    CHECK(rejection(td).find("1 to 10") != std::string::npos);
  }
  SECTION("unique container names") {
    Json td = make_task_def();
    Json second = td["containerDefinitions"][0];
    second.erase("portMappings");
    td["containerDefinitions"].push_back(second);
    CHECK(rejection(td).find("more than once") != std::string::npos);
  }
  SECTION("an essential container") {
    CHECK(rejection(with_container({{"essential", false}})).find("essential") != std::string::npos);
  }
  SECTION("memory at container or task level") {
    Json td = make_task_def();
    td["containerDefinitions"][0].erase("memory");
    CHECK(rejection(td).find("memoryReservation") != std::string::npos);
    td["memory"] = "512";
    CHECK(rejection(td).empty());
    td.erase("memory");
    td["containerDefinitions"][0]["memoryReservation"] = 64;
    CHECK(rejection(td).empty());
  }
  SECTION("memory above memoryReservation, at least 6 MiB") {
    CHECK_FALSE(rejection(with_container({{"memoryReservation", 200}})).empty());
    CHECK_FALSE(rejection(with_container({{"memory", 4}})).empty());
  }
  SECTION("port ranges") {
    CHECK_FALSE(rejection(with_container(Json::parse(R"({"portMappings":[{"containerPort":0}]})"))).empty());
    CHECK_FALSE(rejection(with_container(Json::parse(R"({"portMappings":[{"containerPort":70000}]})"))).empty());
    CHECK_FALSE(rejection(with_container(Json::parse(R"({"portMappings":[{"containerPort":80,"hostPort":65536}]})"))).empty());
    CHECK_FALSE(rejection(with_container(Json::parse(
        R"({"portMappings":[{"containerPort":80,"hostPort":81},{"containerPort":90,"hostPort":81}]})"))).empty());
    CHECK(rejection(with_container(Json::parse(
        R"({"portMappings":[{"containerPortRange":"8000-8010"}]})"))).empty());
    CHECK_FALSE(rejection(with_container(Json::parse(
        R"({"portMappings":[{"containerPortRange":"9000-8000"}]})"))).empty());
  }
  SECTION("dependsOn names, conditions and cycles") {
    Json td = make_task_def();
    Json side = Json::parse(R"({"name":"side","image":"busybox","memory":32,"essential":false})");
    td["containerDefinitions"].push_back(side);
    td["containerDefinitions"][0]["dependsOn"] = Json::parse(R"([{"containerName":"side","condition":"COMPLETE"}])");
    CHECK(rejection(td).empty());
    td["containerDefinitions"][0]["dependsOn"][0]["containerName"] = "ghost";
    CHECK(rejection(td).find("ghost") != std::string::npos);
    td["containerDefinitions"][0]["dependsOn"][0]["containerName"] = "side";
    td["containerDefinitions"][1]["dependsOn"] = Json::parse(R"([{"containerName":"webapp","condition":"START"}])");
    CHECK(rejection(td).find("cycle") != std::string::npos);
    td["containerDefinitions"][1].erase("dependsOn");
    td["containerDefinitions"][1]["essential"] = true;
    CHECK(rejection(td).find("non-essential") != std::string::npos);
    td["containerDefinitions"][0]["dependsOn"][0]["condition"] = "HEALTHY";
    CHECK(rejection(td).find("healthCheck") != std::string::npos);
  }
  SECTION("volumes and path tricks") {
    Json td = make_task_def();
    td["volumes"] = Json::parse(R"([{"name":"data","host":{"sourcePath":"/srv/../etc"}}])");
    CHECK(rejection(td).find("sourcePath") != std::string::npos);
    td["volumes"] = Json::parse(R"([{"name":"data","host":{"sourcePath":"/srv/data"}}])");
    td["containerDefinitions"][0]["mountPoints"] =
        Json::parse(R"([{"sourceVolume":"data","containerPath":"/data"}])");
    CHECK(rejection(td).empty());
    td["containerDefinitions"][0]["mountPoints"][0]["sourceVolume"] = "other";
    CHECK_FALSE(rejection(td).empty());
    td["containerDefinitions"][0]["mountPoints"][0]["sourceVolume"] = "data";
    td["containerDefinitions"][0]["mountPoints"][0]["containerPath"] = "relative";
    CHECK_FALSE(rejection(td).empty());
    td["volumes"][0]["name"] = "../x";
    CHECK_FALSE(rejection(td).empty());
  }
  SECTION("health check ranges") {
    CHECK(rejection(with_container(Json::parse(R"({"healthCheck":{"command":["CMD-SHELL","true"]}})"))).empty());
    CHECK_FALSE(rejection(with_container(Json::parse(R"({"healthCheck":{"command":["true"]}})"))).empty());
    CHECK_FALSE(rejection(with_container(Json::parse(
        R"({"healthCheck":{"command":["CMD","true"],"interval":1}})"))).empty());
  }
  SECTION("container cpu within task cpu") {
    Json td = make_task_def();
    td["cpu"] = "64";
    CHECK_FALSE(rejection(td).empty());
    td["cpu"] = "128";
    td["containerDefinitions"][0]["cpu"] = 256;
    CHECK(rejection(td).find("cpu") != std::string::npos);
  }
  SECTION("64 KiB limit") {
    Json td = make_task_def();
    td["containerDefinitions"][0]["command"] = Json::array({std::string(70 * 1024, 'x')});
    CHECK(rejection(td).find("64 KiB") != std::string::npos);
  }
  SECTION("tags are taken out of the body and checked") {
    Json td = make_task_def();
    td["tags"] = Json::parse(R"([{"key":"team","value":"edge"}])");
    auto r = normalize(td);
    REQUIRE(r.has_value());
    CHECK_FALSE(r->body.contains("tags"));
    CHECK(r->tags.size() == 1);
    td["tags"][0]["key"] = "aws:reserved";
    CHECK_FALSE(rejection(td).empty());
  }
}

TEST_CASE("task definition references", "[model]") {
  auto family = parse_task_definition_ref("web");
  REQUIRE(family.has_value());
  CHECK(family->family == "web");
  CHECK_FALSE(family->revision.has_value());
  auto rev = parse_task_definition_ref("web:7");
  REQUIRE(rev.has_value());
  CHECK(*rev->revision == 7);
  auto arn = parse_task_definition_ref("arn:aws:ecs:local:000000000000:task-definition/web:3");
  REQUIRE(arn.has_value());
  CHECK(arn->family == "web");
  CHECK(*arn->revision == 3);
  CHECK_FALSE(parse_task_definition_ref("arn:aws:ecs:local:0:cluster/web").has_value());
  CHECK(parse_task_definition_ref("arn:aws:ecs:local:0:task-definition/web").error().code == Code::client);
}

TEST_CASE("task definition references: ECS's exceptions and messages for a bad family or revision", "[model]") {
  for (const char* text : {"../web", "bad/family", "we b", "", ":3", "arn:aws:ecs:local:0:task-definition/b@d:1"}) {
    auto r = parse_task_definition_ref(text);
    INFO(text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Code::client);
    CHECK(r.error().message == "Family contains invalid characters.");
  }
  CHECK(parse_task_definition_ref(std::string(256, 'f')).error().code == Code::client);
  CHECK(parse_task_definition_ref(std::string(255, 'f')).has_value());
  const std::pair<const char*, const char*> bad_revisions[] = {
      {"fam:foo", "foo"}, {"fam:", ""}, {"fam:0", "0"}, {"fam:-1", "-1"}, {"fam:1:2", "1:2"},
      {"fam:2147483648", "2147483648"}, {"fam:99999999999999999999", "99999999999999999999"}, {"fam: 1", " 1"},
      {"arn:aws:ecs:local:000000000000:task-definition/fam:latest", "latest"}};
  for (const auto& [text, number] : bad_revisions) {
    auto r = parse_task_definition_ref(text);
    INFO(text);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Code::invalid_parameter);
    CHECK(r.error().message == std::string("Invalid revision number. Number: ") + number);
  }
  CHECK(*parse_task_definition_ref("fam:2147483647")->revision == 2147483647);
}

TEST_CASE("network_mode_of: the named mode, else ECS's default", "[model]") {
  CHECK(network_mode_of(Json{{"networkMode", "host"}}) == NetworkMode::host);
  CHECK(network_mode_of(Json{{"networkMode", "none"}}) == NetworkMode::none);
  CHECK(network_mode_of(Json{{"networkMode", "awsvpc"}}) == NetworkMode::awsvpc);
  CHECK(network_mode_of(Json::object()) == NetworkMode::bridge);
  CHECK(network_mode_of(Json{{"networkMode", nullptr}}) == NetworkMode::bridge);
  auto registered = normalize_task_definition(berth::testing::make_task_def());
  REQUIRE(registered.has_value());
  CHECK(network_mode_of(registered->body) == NetworkMode::bridge);
}

}  // namespace task_definition_test
