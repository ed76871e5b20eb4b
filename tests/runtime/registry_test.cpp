#include "runtime/image/image_gc.hpp"
#include "runtime/image/image_manifest.hpp"
#include "runtime/image/platform_choice.hpp"
#include "runtime/image/registry_auth.hpp"

#include <catch2/catch.hpp>

namespace registry_test {

using namespace berth;
using namespace berth::runtime;
using model::Json;

namespace {

Descriptor entry(const char* arch, const char* variant = nullptr, const char* os = "linux") {
  return {"", std::string("sha256:") + arch + (variant ? variant : ""), 0, Platform{os, arch, variant ? variant : ""}, ""};
}

}  // namespace

TEST_CASE("platform choice: exact match, containerd's arm fallbacks, attestations skipped", "[runtime]") {
  const std::vector<Descriptor> index({Descriptor{"", "sha256:attestation", 0, std::nullopt, ""}, entry("amd64", nullptr, "windows"), entry("arm", "v6"),
                                  entry("arm64", "v8"), entry("amd64"), entry("arm", "v7"), entry("386")});
  CHECK(choose_platform(index, {"linux", "amd64", ""}) == 4u);
  CHECK(choose_platform(index, {"linux", "arm64", "v8"}) == 3u);
  CHECK(choose_platform(index, {"linux", "arm", "v7"}) == 5u);
  // An index without v7 still serves a v7 machine with v6; one without a variant with it.
  const std::vector<Descriptor> older({entry("arm", "v5"), entry("arm", "v6")});
  CHECK(choose_platform(older, {"linux", "arm", "v7"}) == 1u);
  CHECK(choose_platform({entry("arm64")}, {"linux", "arm64", "v8"}) == 0u);
  // Never a newer variant, another architecture or another OS.
  CHECK_FALSE(choose_platform({entry("arm", "v8")}, {"linux", "arm", "v7"}).has_value());
  CHECK_FALSE(choose_platform({entry("amd64", nullptr, "windows"), entry("s390x")}, {"linux", "amd64", ""}).has_value());
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

}  // namespace registry_test
