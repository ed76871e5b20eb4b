#include "model/volumes_from.hpp"

#include <catch2/catch.hpp>

#include <tuple>

namespace volumes_from_test {

using namespace berth::model;

namespace {

// (containerPath, read_only, via) of each inherited mount.
std::vector<std::tuple<std::string, bool, std::string>> paths(const Json& containers, std::size_t index) {
  std::vector<std::tuple<std::string, bool, std::string>> out;
  for (const auto& m : volumes_from_mounts(containers, containers[index])) {
    out.emplace_back((*m.mount_point)["containerPath"], m.read_only, m.via);
  }
  return out;
}

using Paths = std::vector<std::tuple<std::string, bool, std::string>>;

}  // namespace

TEST_CASE("volumesFrom: the sources' mountPoints, through their own volumesFrom, read-only on the way",
          "[model][volumes]") {
  const Json containers = Json::parse(R"([
    {"name":"app","volumesFrom":[{"sourceContainer":"sidecar","readOnly":true},{"sourceContainer":"db"}]},
    {"name":"sidecar","mountPoints":[{"sourceVolume":"logs","containerPath":"/logs"}],
     "volumesFrom":[{"sourceContainer":"db"}]},
    {"name":"db","mountPoints":[{"sourceVolume":"data","containerPath":"/data"},
                                {"sourceVolume":"conf","containerPath":"/conf","readOnly":true}]},
    {"name":"alone"}])");
  // db comes through sidecar (read-only, as sidecar's link is) and counts once.
  CHECK(paths(containers, 0) == Paths{{"/logs", true, "sidecar"}, {"/data", true, "sidecar"}, {"/conf", true, "sidecar"}});
  CHECK(paths(containers, 1) == Paths{{"/data", false, "db"}, {"/conf", true, "db"}});
  CHECK(paths(containers, 2).empty());
  CHECK(paths(containers, 3).empty());
}

TEST_CASE("volumesFrom: a cycle ends and an unknown source gives nothing", "[model][volumes]") {
  const Json containers = Json::parse(R"([
    {"name":"a","mountPoints":[{"sourceVolume":"v","containerPath":"/a"}],"volumesFrom":[{"sourceContainer":"b"}]},
    {"name":"b","mountPoints":[{"sourceVolume":"v","containerPath":"/b"}],
     "volumesFrom":[{"sourceContainer":"a"},{"sourceContainer":"ghost"}]}])");
  CHECK(paths(containers, 0) == Paths{{"/b", false, "b"}});
  CHECK(paths(containers, 1) == Paths{{"/a", false, "a"}});
}

}  // namespace volumes_from_test
