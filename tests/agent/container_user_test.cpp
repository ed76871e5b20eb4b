#include "agent/container_user.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "fixtures/temp_dir.hpp"

namespace container_user_test {

using namespace berth;
using berth::agent::parse_id;
using berth::agent::resolve_container_user;
using berth::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// An image root with `passwd` and `group` as its /etc files.
struct ImageRoot {
  TempDir tmp;
  std::string root = tmp.path + "/rootfs";
  explicit ImageRoot(const std::string& passwd, const std::string& group = "root:x:0:\napp:x:1000:\n") {
    fs::create_directories(root + "/etc");
    REQUIRE(write_file(root + "/etc/passwd", passwd).has_value());
    REQUIRE(write_file(root + "/etc/group", group).has_value());
  }
};

const std::string k_passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/tmp:/bin/sh\n";

}  // namespace

TEST_CASE("user: ids are decimal and below 4294967295", "[agent][user]") {
  CHECK(parse_id("0") == 0u);
  CHECK(parse_id("1000") == 1000u);
  CHECK(parse_id("4294967294") == 4294967294u);
  CHECK_FALSE(parse_id("4294967295").has_value());  // (uid_t)-1: "no change" to the kernel
  CHECK_FALSE(parse_id("4294967296").has_value());  // would wrap to 0
  CHECK_FALSE(parse_id("99999999999999999999").has_value());
  CHECK_FALSE(parse_id("-1").has_value());
  CHECK_FALSE(parse_id("+1").has_value());
  CHECK_FALSE(parse_id("1e3").has_value());
  CHECK_FALSE(parse_id(" 1").has_value());
  CHECK_FALSE(parse_id("").has_value());
}

TEST_CASE("user: out-of-range numeric users and groups are refused, not wrapped or thrown", "[agent][user]") {
  ImageRoot image(k_passwd);
  for (const char* user : {"99999999999999999999", "4294967296", "4294967295", "1000:4294967296",
                           "1000:99999999999999999999", ":1000", "1000:"}) {
    INFO(user);
    const auto resolved = resolve_container_user(user, image.root);
    REQUIRE_FALSE(resolved.has_value());
    CHECK(resolved.error().code == Code::client);
  }
  const auto max = resolve_container_user("4294967294:4294967294", image.root);
  REQUIRE(max.has_value());
  CHECK(max->uid == 4294967294u);
  CHECK(max->gid == 4294967294u);
}

TEST_CASE("user: names, numbers and groups resolve through the image's files", "[agent][user]") {
  ImageRoot image(k_passwd);
  auto app = resolve_container_user("app", image.root);
  REQUIRE(app.has_value());
  CHECK((app->uid == 1000 && app->gid == 1001));
  auto numeric = resolve_container_user("1000", image.root);  // gid from the passwd entry of uid 1000
  REQUIRE(numeric.has_value());
  CHECK((numeric->uid == 1000 && numeric->gid == 1001));
  auto unknown_uid = resolve_container_user("1234", image.root);
  REQUIRE(unknown_uid.has_value());
  CHECK((unknown_uid->uid == 1234 && unknown_uid->gid == 1234));
  auto with_group = resolve_container_user("app:app", image.root);
  REQUIRE(with_group.has_value());
  CHECK((with_group->uid == 1000 && with_group->gid == 1000));
  CHECK_FALSE(resolve_container_user("-1", image.root).has_value());  // a name no image has
  auto bad_group = resolve_container_user("1000:abc", image.root);
  REQUIRE_FALSE(bad_group.has_value());
  CHECK(bad_group.error().message.find("group 'abc' does not exist") != std::string::npos);
  CHECK_FALSE(resolve_container_user("ghost", image.root).has_value());
}

TEST_CASE("user: non-numeric or huge ids in the image's passwd and group are refused", "[agent][user]") {
  ImageRoot image("text:x:abc:0::/:/bin/sh\nhuge:x:99999999999999999999:0::/:/bin/sh\n"
                  "wrap:x:4294967296:0::/:/bin/sh\nbadgid:x:1000:-1::/:/bin/sh\nfine:x:7:8::/:/bin/sh\n",
                  "weird:x:1e9:\n");
  for (const char* user : {"text", "huge", "wrap", "badgid", "fine:weird"}) {
    INFO(user);
    const auto resolved = resolve_container_user(user, image.root);
    REQUIRE_FALSE(resolved.has_value());
    CHECK(resolved.error().message.find("invalid") != std::string::npos);
  }
  // Lines for other users do not matter.
  auto fine = resolve_container_user("fine", image.root);
  REQUIRE(fine.has_value());
  CHECK((fine->uid == 7 && fine->gid == 8));
}

TEST_CASE("user: an image's passwd linked to a host file is read inside the image, never the host's",
          "[agent][user]") {
  TempDir tmp;
  const std::string host_file = tmp.path + "/host-passwd";
  // The host's gid differs from the uid, so a gid read from the host file would show.
  REQUIRE(write_file(host_file, "evil:x:4242:777::/:/bin/sh\n").has_value());
  const std::string root = tmp.path + "/rootfs";
  fs::create_directories(root + "/etc");
  SECTION("absolute link") { fs::create_symlink(host_file, root + "/etc/passwd"); }
  SECTION("relative link climbing out") { fs::create_symlink("../../host-passwd", root + "/etc/passwd"); }
  SECTION("linked /etc directory") {
    fs::remove(root + "/etc");
    fs::create_directories(tmp.path + "/host-etc");
    fs::copy_file(host_file, tmp.path + "/host-etc/passwd");
    fs::create_symlink(tmp.path + "/host-etc", root + "/etc");
  }
  const auto resolved = resolve_container_user("evil", root);
  REQUIRE_FALSE(resolved.has_value());  // not found inside the image: never uid 4242
  CHECK(resolved.error().code == Code::client);
  const auto numeric = resolve_container_user("4242", root);
  REQUIRE(numeric.has_value());  // no passwd inside the image: the uid stands alone
  CHECK(numeric->gid == 4242u);  // the uid as gid, never the host entry's 777
}

TEST_CASE("user: a link inside the image resolves as in the container", "[agent][user]") {
  TempDir tmp;
  const std::string root = tmp.path + "/rootfs";
  fs::create_directories(root + "/etc");
  fs::create_directories(root + "/usr/share/base");
  REQUIRE(write_file(root + "/usr/share/base/passwd", "app:x:1000:1000::/:/bin/sh\n").has_value());
  fs::create_symlink("/usr/share/base/passwd", root + "/etc/passwd");  // absolute: from the image root
  auto app = resolve_container_user("app", root);
  REQUIRE(app.has_value());
  CHECK(app->uid == 1000u);
}

}  // namespace container_user_test
