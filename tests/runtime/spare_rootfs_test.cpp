// SpareRootfs with real overlay mounts (root): an image root here is a directory with a file.
#include "runtime/runc/spare_rootfs.hpp"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "fixtures/mounts.hpp"

namespace spare_rootfs_test {

using namespace berth;
using namespace berth::runtime;

namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool mounted_on(const std::string& path) { return testing::mount_line(path).has_value(); }

struct SpareRootfsFixture {
  std::string dir;
  std::string image;
  std::string bundles;

  SpareRootfsFixture() {
    char pattern[] = "/tmp/berth-spare-root-XXXXXX";
    dir = ::mkdtemp(pattern);
    image = dir + "/image";
    bundles = dir + "/bundles";
    make_image();
  }
  ~SpareRootfsFixture() {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(bundles, ec)) {
      ::umount2((entry.path().string() + "/rootfs").c_str(), MNT_DETACH);
    }
    auto removed = remove_all(dir);
    (void)removed;
  }
  // What a start of `image_root` does when no spare of it waits: asks for it, and the keeper
  // thread refills after the start.
  void start_and_refill(SpareRootfs& spare, const std::string& image_root) {
    REQUIRE_FALSE(spare.take(image_root, dir + "/no-bundle"));
    spare.refill();
  }
  void make_image() {
    REQUIRE(make_dirs(image).has_value());
    REQUIRE(write_file(image + "/hello", "from the image").has_value());
  }
};

}  // namespace

TEST_CASE_METHOD(SpareRootfsFixture, "spare root: made over an image, taken by a start of that image only", "[runtime][root]") {
  SpareRootfs spare(bundles);
  spare.refill();
  CHECK_FALSE(spare.waiting().has_value());  // no start has asked for an image yet
  CHECK_FALSE(spare.take(image, bundles + "/c1"));  // none made yet
  spare.refill();
  const auto made = spare.waiting();
  REQUIRE(made.has_value());
  CHECK(mounted_on(*made + "/rootfs"));
  CHECK_FALSE(spare.take(dir + "/another-image", bundles + "/c1"));
  CHECK(spare.waiting() == made);

  REQUIRE(spare.take(image, bundles + "/c1"));
  CHECK_FALSE(exists(*made));
  CHECK_FALSE(spare.waiting().has_value());
  // The overlay moved with its directory: the image shows through, writes go to this bundle.
  CHECK(mounted_on(bundles + "/c1/rootfs"));
  CHECK(read_file(bundles + "/c1/rootfs/hello").value_or("") == "from the image");
  REQUIRE(write_file(bundles + "/c1/rootfs/written", "by the container").has_value());
  CHECK(exists(bundles + "/c1/upper/written"));
  CHECK_FALSE(exists(image + "/written"));
  CHECK_FALSE(spare.take(image, bundles + "/c2"));  // taken: the next is made after the next start
}

TEST_CASE_METHOD(SpareRootfsFixture, "spare root: a bundle that exists is left as it is and the spare kept", "[runtime][root]") {
  SpareRootfs spare(bundles);
  start_and_refill(spare, image);
  const auto made = spare.waiting();
  REQUIRE(made.has_value());
  REQUIRE(make_dirs(bundles + "/c1").has_value());
  CHECK_FALSE(spare.take(image, bundles + "/c1"));
  CHECK_FALSE(mounted_on(bundles + "/c1/rootfs"));
  CHECK(spare.waiting() == made);
  CHECK(mounted_on(*made + "/rootfs"));
}

TEST_CASE_METHOD(SpareRootfsFixture, "spare root: over an image root that has gone since, it is dropped, not used", "[runtime][root]") {
  SpareRootfs spare(bundles);
  start_and_refill(spare, image);
  const auto made = spare.waiting();
  REQUIRE(made.has_value());
  // The image removed and pulled again: the same path, another directory.
  REQUIRE(std::rename(image.c_str(), (dir + "/old-image").c_str()) == 0);
  make_image();
  CHECK_FALSE(spare.take(image, bundles + "/c1"));
  CHECK_FALSE(exists(bundles + "/c1"));
  CHECK_FALSE(spare.waiting().has_value());
  CHECK_FALSE(exists(*made));
  CHECK_FALSE(mounted_on(*made + "/rootfs"));
}

TEST_CASE_METHOD(SpareRootfsFixture, "spare root: another image's start replaces the spare, and the object's end drops it", "[runtime][root]") {
  const std::string other = dir + "/other";
  REQUIRE(make_dirs(other).has_value());
  std::optional<std::string> second;
  {
    SpareRootfs spare(bundles);
    start_and_refill(spare, image);
    const auto first = spare.waiting();
    REQUIRE(first.has_value());
    start_and_refill(spare, other);
    second = spare.waiting();
    REQUIRE(second.has_value());
    CHECK(second != first);
    CHECK_FALSE(exists(*first));
    CHECK(mounted_on(*second + "/rootfs"));
  }
  CHECK_FALSE(exists(*second));
  CHECK_FALSE(mounted_on(*second + "/rootfs"));
}

TEST_CASE_METHOD(SpareRootfsFixture, "spare root: what a crashed berth left is swept when the next is made", "[runtime][root]") {
  const std::string left = bundles + "/spare-0123456789abcdef";
  REQUIRE(make_dirs(left + "/rootfs").has_value());
  REQUIRE(::mount("tmpfs", (left + "/rootfs").c_str(), "tmpfs", 0, "size=1m") == 0);
  REQUIRE(make_dirs(bundles + "/0123-main/rootfs").has_value());  // a container's bundle stays
  SpareRootfs spare(bundles);
  start_and_refill(spare, image);
  CHECK_FALSE(exists(left));
  CHECK_FALSE(mounted_on(left + "/rootfs"));
  CHECK(exists(bundles + "/0123-main/rootfs"));
  CHECK(spare.waiting().has_value());
}

}  // namespace spare_rootfs_test
