#include "model/fargate_rules.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "model/request_shapes.hpp"
#include "model/task_definition.hpp"

namespace fargate_rules_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

namespace {

// A definition Fargate could run: awsvpc, 0.25 vCPU, 512 MiB.
Json fargate_definition() {
  return Json::parse(R"({"family":"web","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc",
      "cpu":"256","memory":"512","containerDefinitions":[{"name":"main","image":"busybox","essential":true}]})");
}

// Returns the error message of registering `body`, "" if it registers.
std::string rejection(Json body) {
  if (auto shaped = check_shape(body, request_shapes::register_task_definition); !shaped) return shaped.error().message;
  auto r = normalize_task_definition(body);
  return r ? "" : r.error().message;
}

Json with(Json patch) {
  Json td = fargate_definition();
  td.merge_patch(patch);
  return td;
}

Json with_container(Json patch) {
  Json td = fargate_definition();
  td["containerDefinitions"][0].merge_patch(patch);
  return td;
}

}  // namespace

TEST_CASE("Fargate sizes: the cpu and memory combinations ECS lists", "[model][fargate]") {
  for (long long memory : {512, 1024, 2048}) CHECK(is_fargate_size(256, memory));
  CHECK_FALSE(is_fargate_size(256, 3072));
  CHECK(is_fargate_size(512, 1024));
  CHECK(is_fargate_size(512, 4096));
  CHECK_FALSE(is_fargate_size(512, 512));
  CHECK_FALSE(is_fargate_size(512, 5120));
  CHECK(is_fargate_size(1024, 8192));
  CHECK(is_fargate_size(2048, 16384));
  CHECK(is_fargate_size(4096, 30720));
  CHECK_FALSE(is_fargate_size(4096, 31744));
  CHECK(is_fargate_size(8192, 20480));
  CHECK_FALSE(is_fargate_size(8192, 17408));  // 4 GiB steps from 16 GiB
  CHECK(is_fargate_size(16384, 122880));
  CHECK_FALSE(is_fargate_size(16384, 36864));  // 8 GiB steps from 32 GiB
  CHECK_FALSE(is_fargate_size(128, 512));
  CHECK_FALSE(is_fargate_size(3072, 8192));
}

TEST_CASE("Task definitions requiring FARGATE register by Fargate's rules", "[model][fargate]") {
  CHECK(rejection(fargate_definition()) == "");
  CHECK(requires_fargate(fargate_definition()));
  CHECK_FALSE(requires_fargate(Json{{"requiresCompatibilities", {"EC2"}}}));
  CHECK_FALSE(requires_fargate(Json::object()));
  // Units as ECS accepts them are normalised before the size is checked.
  CHECK(rejection(with({{"cpu", "1 vCPU"}, {"memory", "2 GB"}})) == "");
  CHECK(rejection(with({{"requiresCompatibilities", {"EC2", "FARGATE"}}})) == "");

  CHECK(rejection(with({{"networkMode", "bridge"}})) == "Fargate only supports network mode 'awsvpc'.");
  Json no_cpu = fargate_definition();
  no_cpu.erase("cpu");
  CHECK(rejection(no_cpu) == "Fargate requires task definition to have 'cpu' and 'memory' set at the task level.");
  CHECK(rejection(with({{"cpu", "256"}, {"memory", "4096"}})) ==
        "No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for "
        "the valid values.");
  const auto unsupported = [](const std::string& what) {
    return what + " is not supported by Fargate; a task definition that requires FARGATE cannot use it.";
  };
  CHECK(rejection(with({{"ipcMode", "task"}})) == unsupported("ipcMode"));
  CHECK(rejection(with({{"pidMode", "host"}})) == unsupported("pidMode host"));
  CHECK(rejection(with({{"pidMode", "task"}})) == "");
  CHECK(rejection(with(Json::parse(R"({"placementConstraints":[{"type":"memberOf","expression":"attribute:x == y"}]})"))) ==
        unsupported("placementConstraints"));
  CHECK(rejection(with(Json::parse(R"({"volumes":[{"name":"data","host":{"sourcePath":"/srv"}}]})"))) ==
        unsupported("Volume 'data': host.sourcePath"));
  CHECK(rejection(with(Json::parse(R"({"volumes":[{"name":"data","dockerVolumeConfiguration":{"scope":"task"}}]})"))) ==
        unsupported("Volume 'data': dockerVolumeConfiguration"));
  CHECK(rejection(with(Json::parse(R"({"volumes":[{"name":"scratch"}]})"))) == "");
  CHECK(rejection(with_container({{"privileged", true}})) == unsupported("Container 'main': privileged"));
  CHECK(rejection(with_container({{"dockerSecurityOptions", {"no-new-privileges"}}})) ==
        unsupported("Container 'main': dockerSecurityOptions"));
  CHECK(rejection(with_container(Json::parse(R"({"linuxParameters":{"sharedMemorySize":64}})"))) ==
        unsupported("Container 'main': linuxParameters.sharedMemorySize"));
  CHECK(rejection(with_container(Json::parse(R"({"linuxParameters":{"capabilities":{"add":["NET_ADMIN"]}}})"))) ==
        unsupported("Container 'main': adding capability NET_ADMIN (only SYS_PTRACE can be added)"));
  CHECK(rejection(with_container(Json::parse(R"({"linuxParameters":{"capabilities":{"add":["SYS_PTRACE"]}}})"))) == "");
  CHECK(rejection(with_container(Json::parse(R"({"resourceRequirements":[{"type":"GPU","value":"1"}]})"))) ==
        unsupported("Container 'main': a GPU resourceRequirement"));
  // MANAGED_INSTANCES stays refused.
  CHECK(rejection(with({{"requiresCompatibilities", {"MANAGED_INSTANCES"}}})).starts_with(
      "requiresCompatibilities MANAGED_INSTANCES is not supported"));
}

TEST_CASE("A FARGATE definition lists FARGATE among its compatibilities", "[model][fargate]") {
  auto normalized = normalize_task_definition(fargate_definition());
  REQUIRE(normalized.has_value());
  TaskDefinition td;
  td.family = "web";
  td.revision = 1;
  td.body = normalized->body;
  CHECK(task_definition_to_json(td, ArnScope{"local", "000000000000"})["compatibilities"] ==
        Json::array({"EC2", "EXTERNAL", "FARGATE"}));
  td.body.erase("requiresCompatibilities");
  CHECK(task_definition_to_json(td, ArnScope{"local", "000000000000"})["compatibilities"] ==
        Json::array({"EC2", "EXTERNAL"}));
}

}  // namespace fargate_rules_test
