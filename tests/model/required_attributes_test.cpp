#include "model/required_attributes.hpp"

#include <catch2/catch.hpp>

namespace required_attributes_test {

using namespace berth;
using model::Json;
using model::RequiredAttribute;

TEST_CASE("required_attributes: runtimePlatform and swappiness become the attributes their instances register", "[model]") {
  const Json definition = Json::parse(R"({
      "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
      "containerDefinitions": [{"name": "a"},
                               {"name": "b", "linuxParameters": {"maxSwap": 10, "swappiness": 5}},
                               {"name": "c", "linuxParameters": {"maxSwap": 10, "swappiness": 50}}]})");
  CHECK(model::required_attributes(definition) ==
        std::vector<RequiredAttribute>{{"ecs.cpu-architecture", "arm64"},
                                       {"ecs.os-family", "LINUX"},
                                       {"berth.capability.memory-swappiness", std::nullopt}});
  CHECK(model::required_attributes(Json::parse(R"({"runtimePlatform": {"cpuArchitecture": "X86_64"}})")) ==
        std::vector<RequiredAttribute>{{"ecs.cpu-architecture", "x86_64"}});
  CHECK(model::required_attributes_to_json(model::required_attributes(definition)) ==
        Json::parse(R"([{"name": "ecs.cpu-architecture", "value": "arm64"},
                        {"name": "ecs.os-family", "value": "LINUX"},
                        {"name": "berth.capability.memory-swappiness"}])"));
}

TEST_CASE("required_attributes: ephemeralStorage needs the agent's project-quota capability", "[model]") {
  CHECK(model::required_attributes(Json::parse(R"({"ephemeralStorage": {"sizeInGiB": 21}, "containerDefinitions": [{"name": "a"}]})")) ==
        std::vector<RequiredAttribute>{{"berth.capability.ephemeral-storage", std::nullopt}});
}

TEST_CASE("required_attributes: a plain definition needs nothing; members of the wrong type ask for nothing", "[model]") {
  CHECK(model::required_attributes(Json::parse(R"({"containerDefinitions": [{"name": "a"}]})")).empty());
  CHECK(model::required_attributes_to_json({}) == Json::array());
  for (const char* bad : {R"(null)", R"([])", R"("text")", R"({"runtimePlatform": "ARM64"})",
                          R"({"runtimePlatform": {"cpuArchitecture": 64, "operatingSystemFamily": ["LINUX"]}})",
                          R"({"runtimePlatform": {"cpuArchitecture": "SPARC"}})",
                          R"({"containerDefinitions": {"name": "a"}})",
                          R"({"containerDefinitions": ["a", 1, {"linuxParameters": 5}]})"}) {
    INFO(bad);
    CHECK(model::required_attributes(Json::parse(bad)).empty());
  }
}

}  // namespace required_attributes_test
