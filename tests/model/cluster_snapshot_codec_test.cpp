#include "model/cluster_snapshot_codec.hpp"

#include <catch2/catch.hpp>

namespace cluster_snapshot_codec_test {

using namespace berth;
using model::Json;

TEST_CASE("capacity_of: registered PORTS that are not port numbers reserve nothing", "[model]") {
  model::ContainerInstance instance;
  instance.body["registeredResources"] = Json::parse(R"([
      {"name":"CPU","type":"INTEGER","integerValue":2048},
      {"name":"PORTS","type":"STRINGSET","stringSetValue":["22","99999999999","x","0","80","-1","2376 "]},
      {"name":"PORTS_UDP","type":"STRINGSET","stringSetValue":["161","65536"]}])");
  const auto c = model::capacity_of(instance);
  CHECK(c.cpu == 2048);
  CHECK(c.reserved_tcp == std::set<int>{22, 80});
  CHECK(c.reserved_udp == std::set<int>{161});
}

TEST_CASE("capacity_of and task_state_of: the registered GPU ids and the GPUs a task holds", "[model]") {
  model::ContainerInstance instance;
  instance.body["registeredResources"] = Json::parse(R"([
      {"name":"CPU","type":"INTEGER","integerValue":2048},
      {"name":"GPU","type":"STRINGSET","stringSetValue":["0","1",7,"",null]}])");
  CHECK(model::capacity_of(instance).gpu_ids == std::vector<std::string>{"0", "1"});

  model::Task task;
  task.containers.resize(2);
  task.containers[0].gpu_ids = {"1"};
  task.containers[1].gpu_ids = {"0"};
  const auto held = model::task_state_of(task, nullptr);
  CHECK(held.gpu_ids == std::set<std::string>{"0", "1"});

  model::InstanceState state;
  state.capacity = {4096, 4096, {}, {}, {"0", "1", "2"}};
  CHECK(state.fits(held));
  state.use.add(held);
  CHECK(state.use.gpu_ids == std::set<std::string>{"0", "1"});
  model::TaskState other;
  other.gpu_ids = {"1"};
  CHECK_FALSE(state.fits(other));
  other.gpu_ids = {"2"};
  CHECK(state.fits(other));
}

TEST_CASE("definition_state_of: required attributes and each container's GPUs, overrides applied", "[model]") {
  model::TaskDefinition td;
  td.family = "gpu";
  td.revision = 3;
  td.body = Json::parse(R"({
      "runtimePlatform": {"cpuArchitecture": "X86_64"},
      "containerDefinitions": [
        {"name": "a", "image": "busybox", "resourceRequirements": [{"type": "GPU", "value": "2"}]},
        {"name": "b", "image": "busybox"},
        {"name": "c", "image": "busybox", "resourceRequirements": [{"type": "GPU", "value": "1"}]}]})");
  const auto plain = model::definition_state_of(td);
  CHECK(plain.required_attributes == std::vector<model::RequiredAttribute>{{"ecs.cpu-architecture", "x86_64"}});
  CHECK(plain.container_gpus == std::vector<std::pair<std::string, int>>{{"a", 2}, {"c", 1}});
  CHECK(plain.gpus() == 3);
  const auto overridden = model::definition_state_of(td, Json::parse(R"({"containerOverrides": [
      {"name": "a", "resourceRequirements": []},
      {"name": "b", "resourceRequirements": [{"type": "GPU", "value": "4"}]}]})"));
  CHECK(overridden.container_gpus == std::vector<std::pair<std::string, int>>{{"b", 4}, {"c", 1}});
  CHECK(overridden.gpus() == 5);
}

}  // namespace cluster_snapshot_codec_test
