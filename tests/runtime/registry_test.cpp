#include "runtime/image/image_gc.hpp"
#include "runtime/image/platform_choice.hpp"
#include "runtime/image/manifest_shape.hpp"
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

TEST_CASE("image cleanup: unused pulled images, oldest use first, bounded per cycle", "[runtime]") {
  const auto image = [](const char* id, EpochMs arrived, bool pulled = true) {
    Image i;
    i.id = id;
    i.imported_at = arrived;
    i.pulled = pulled;
    return i;
  };
  const std::vector<Image> images = {image("in-use", 0), image("old", 0), image("older-use", 0), image("fresh", 9'000),
                                     image("imported", 0, false), image("recently-used", 0)};
  ImageCleanupPolicy policy;
  policy.minimum_age_ms = 5'000;
  policy.per_cycle = 2;
  const std::map<std::string, EpochMs> last_used = {{"old", 3'000}, {"older-use", 1'000}, {"recently-used", 8'000}};
  const auto chosen = images_to_collect(images, {"in-use"}, last_used, 10'000, policy);
  CHECK(chosen == std::vector<std::string>{"older-use", "old"});
  policy.per_cycle = 10;
  CHECK(images_to_collect(images, {"in-use"}, last_used, 10'000, policy).size() == 2);
  policy.enabled = false;
  CHECK(images_to_collect(images, {}, {}, 100'000, policy).empty());
}

TEST_CASE("manifest shape: fields of the wrong type are refused before anything reads them", "[runtime][registry]") {
  const Json good = Json::parse(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "config":{"digest":"sha256:c","size":10},"layers":[{"digest":"sha256:l","size":20}]})");
  CHECK(check_manifest_shape(good).has_value());
  CHECK(check_manifest_shape(Json::parse(R"({"schemaVersion":2,"manifests":[{"digest":"sha256:m",
    "platform":{"os":"linux","architecture":"amd64"}}]})")).has_value());
  for (const char* body : {R"([1])", R"({"schemaVersion":"2"})", R"({"mediaType":7})", R"({"config":"x"})",
                           R"({"config":{"size":"10"}})", R"({"config":{"size":-1}})", R"({"config":{"digest":5}})",
                           R"({"layers":{}})", R"({"layers":[5]})", R"({"layers":[{"size":1e30}]})",
                           R"({"layers":[{"size":1125899906842625}]})", R"({"manifests":[{"platform":"linux"}]})",
                           R"({"manifests":[{"platform":{"architecture":64}}]})"}) {
    INFO(body);
    CHECK_FALSE(check_manifest_shape(Json::parse(body)).has_value());
  }
}
