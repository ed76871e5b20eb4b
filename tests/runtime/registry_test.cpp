#include "runtime/image/platform_choice.hpp"
#include "runtime/image/registry_auth.hpp"

#include <catch2/catch.hpp>

using namespace berth;
using namespace berth::runtime;
using model::Json;

namespace {

Json entry(const char* arch, const char* variant = nullptr, const char* os = "linux") {
  Json platform{{"os", os}, {"architecture", arch}};
  if (variant) platform["variant"] = variant;
  return {{"digest", std::string("sha256:") + arch + (variant ? variant : "")}, {"platform", platform}};
}

}  // namespace

TEST_CASE("platform choice: exact match, containerd's arm fallbacks, attestations skipped", "[runtime]") {
  const Json index = Json::array({{{"digest", "sha256:attestation"}}, entry("amd64", nullptr, "windows"), entry("arm", "v6"),
                                  entry("arm64", "v8"), entry("amd64"), entry("arm", "v7"), entry("386")});
  CHECK(choose_platform(index, {"linux", "amd64", ""}) == 4u);
  CHECK(choose_platform(index, {"linux", "arm64", "v8"}) == 3u);
  CHECK(choose_platform(index, {"linux", "arm", "v7"}) == 5u);
  // An index without v7 still serves a v7 machine with v6; one without a variant with it.
  const Json older = Json::array({entry("arm", "v5"), entry("arm", "v6")});
  CHECK(choose_platform(older, {"linux", "arm", "v7"}) == 1u);
  CHECK(choose_platform(Json::array({entry("arm64")}), {"linux", "arm64", "v8"}) == 0u);
  // Never a newer variant, another architecture or another OS.
  CHECK_FALSE(choose_platform(Json::array({entry("arm", "v8")}), {"linux", "arm", "v7"}).has_value());
  CHECK_FALSE(choose_platform(Json::array({entry("amd64", nullptr, "windows"), entry("s390x")}), {"linux", "amd64", ""}).has_value());
}

TEST_CASE("engine auth: docker and dockercfg as the ECS agent reads them", "[runtime]") {
  auto docker = parse_engine_auth(
      "docker", R"({"https://index.docker.io/v1/":{"username":"me","password":"pw","email":"a@b"},
                    "registry.example:5000":{"username":"AWS","password":"ecr-token"}})");
  REQUIRE(docker.has_value());
  CHECK(docker->at("docker.io").username == "me");
  CHECK(docker->at("docker.io").password == "pw");
  CHECK(docker->at("registry.example:5000").username == "AWS");
  auto cfg = parse_engine_auth("dockercfg", R"({"http://127.0.0.1:5000":{"auth":"dXNlcjpwYTpzcw=="}})");  // user:pa:ss
  REQUIRE(cfg.has_value());
  CHECK(cfg->at("127.0.0.1:5000").username == "user");
  CHECK(cfg->at("127.0.0.1:5000").password == "pa:ss");
  CHECK(parse_engine_auth("", "")->empty());
  for (const auto& [type, data] : std::vector<std::pair<std::string, std::string>>{
           {"ecr", "{}"}, {"docker", "not json"}, {"docker", R"({"r":{"username":"u"}})"}, {"dockercfg", R"({"r":{"auth":"bm9jb2xvbg=="}})"}}) {
    INFO(type << " " << data);
    auto bad = parse_engine_auth(type, data);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message.find("ECS_ENGINE_AUTH") != std::string::npos);
    CHECK(bad.error().message.find("bm9jb2xvbg") == std::string::npos);
  }
}
