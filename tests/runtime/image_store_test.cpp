#include "runtime/image/image_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/files.hpp"
#include "common/sha256.hpp"
#include "fixtures/tar_writer.hpp"
#include "fixtures/temp_dir.hpp"
#include "model/image_reference.hpp"
#include "runtime/image/layer_unpacker.hpp"
#include "runtime/image/tar_reader.hpp"

namespace image_store_test {

using namespace berth;
using namespace berth::runtime;
using berth::testing::TarWriter;
using berth::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Builds a docker-save archive of `layers` (each a plain tar already written) named `name`.
std::string docker_archive(const std::string& dir, const std::vector<std::string>& layers, const std::string& name) {
  model::Json diff_ids = model::Json::array();
  model::Json layer_names = model::Json::array();
  TarWriter outer(dir + "/image.tar");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string digest = *sha256_file(layers[i]);
    diff_ids.push_back("sha256:" + digest);
    layer_names.push_back(digest + "/layer.tar");
    outer.file(digest + "/layer.tar", *read_file(layers[i]));
  }
  const model::Json config{{"architecture", "amd64"}, {"os", "linux"},
                           {"config", {{"Cmd", {"sh"}}}}, {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  outer.file("config.json", config.dump());
  outer.file("manifest.json", model::Json::array({{{"Config", "config.json"}, {"RepoTags", {name}}, {"Layers", layer_names}}}).dump());
  outer.close();
  return dir + "/image.tar";
}

}  // namespace

TEST_CASE("sha256 known answers", "[common]") {
  Sha256 empty;
  CHECK(empty.hex_digest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 abc;
  abc.update("abc");
  CHECK(abc.hex_digest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 split;
  split.update(std::string(1000, 'a').substr(0, 300));
  split.update(std::string(700, 'a'));
  Sha256 whole;
  whole.update(std::string(1000, 'a'));
  CHECK(split.hex_digest() == whole.hex_digest());
  // FIPS 180-4's two-block message, and a million 'a' fed in odd pieces.
  Sha256 two_blocks;
  two_blocks.update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  CHECK(two_blocks.hex_digest() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 million;
  const std::string piece(997, 'a');
  std::size_t fed = 0;
  for (; fed + piece.size() <= 1000000; fed += piece.size()) million.update(piece);
  million.update(std::string(1000000 - fed, 'a'));
  CHECK(million.hex_digest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // After a digest the hasher starts over.
  CHECK(million.hex_digest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("image references normalise as Docker does", "[model]") {
  CHECK(model::parse_image_reference("busybox")->canonical() == "docker.io/library/busybox:latest");
  CHECK(model::parse_image_reference("busybox:1.36")->canonical() == "docker.io/library/busybox:1.36");
  CHECK(model::parse_image_reference("registry.example:5000/team/app:1.2")->canonical() ==
        "registry.example:5000/team/app:1.2");
  CHECK(model::parse_image_reference("localhost/app")->registry == "localhost");
  const std::string digest = "sha256:" + std::string(64, 'a');
  CHECK(model::parse_image_reference("app@" + digest)->digest == digest);
  CHECK_FALSE(model::parse_image_reference("Upper/Case").has_value());
  CHECK_FALSE(model::parse_image_reference("").has_value());
  CHECK_FALSE(model::parse_image_reference("app@sha256:xyz").has_value());
}

TEST_CASE("image references pinned to a digest drop the tag; bad ones are refused", "[model]") {
  const std::string digest = "sha256:" + std::string(64, 'a');
  CHECK(model::pinned_image("busybox", digest) == "docker.io/library/busybox@" + digest);
  CHECK(model::pinned_image("registry.example:5000/team/app:1.2", digest) == "registry.example:5000/team/app@" + digest);
  CHECK(model::pinned_image("app@sha256:" + std::string(64, 'b'), digest) == "docker.io/library/app@" + digest);
  CHECK_FALSE(model::pinned_image("busybox", "sha256:xyz").has_value());
  CHECK_FALSE(model::pinned_image("busybox", "").has_value());
  CHECK_FALSE(model::pinned_image("Upper/Case", digest).has_value());
}

TEST_CASE("layers: whiteouts and opaque directories are applied in order", "[runtime][root]") {
  TempDir tmp;
  {
    TarWriter base(tmp.path + "/base.tar");
    base.dir("etc");
    base.file("etc/keep", "1");
    base.file("etc/gone", "2");
    base.dir("data");
    base.file("data/old", "3");
    base.symlink("bin", "usr/bin");
  }
  {
    TarWriter top(tmp.path + "/top.tar");
    top.file("etc/.wh.gone", "");
    top.file("data/new", "4");
    top.file("data/.wh..wh..opq", "");
    top.hardlink("etc/keep2", "etc/keep");
  }
  const std::string root = tmp.path + "/root";
  fs::create_directories(root);
  REQUIRE(apply_layer(tmp.path + "/base.tar", root).has_value());
  REQUIRE(apply_layer(tmp.path + "/top.tar", root).has_value());
  CHECK(fs::exists(root + "/etc/keep"));
  CHECK_FALSE(fs::exists(root + "/etc/gone"));
  CHECK_FALSE(fs::exists(root + "/etc/.wh.gone"));
  CHECK(fs::exists(root + "/data/new"));          // written by the opaque layer itself
  CHECK_FALSE(fs::exists(root + "/data/old"));    // hidden by the opaque marker
  CHECK(fs::is_symlink(root + "/bin"));
  struct stat a, b;
  REQUIRE(::stat((root + "/etc/keep").c_str(), &a) == 0);
  REQUIRE(::stat((root + "/etc/keep2").c_str(), &b) == 0);
  CHECK(a.st_ino == b.st_ino);
}

TEST_CASE("layers: path tricks are refused", "[runtime][root]") {
  TempDir tmp;
  const std::string root = tmp.path + "/root";
  fs::create_directories(root);
  const auto refused = [&](const std::function<void(TarWriter&)>& build) {
    const std::string path = tmp.path + "/evil.tar";
    {
      TarWriter w(path);
      build(w);
    }
    auto r = apply_layer(path, root);
    return !r.has_value() && r.error().code == Code::invalid_parameter;
  };
  CHECK(refused([](TarWriter& w) { w.file("../escape", "x"); }));
  CHECK(refused([](TarWriter& w) { w.file("a/../../escape", "x"); }));
  CHECK(refused([](TarWriter& w) { w.file("/etc/absolute", "x"); }));
  CHECK(refused([](TarWriter& w) { w.hardlink("passwd", "/etc/passwd"); }));
  CHECK(refused([](TarWriter& w) { w.hardlink("passwd", "../../etc/passwd"); }));
  CHECK(refused([](TarWriter& w) {
    w.symlink("link", "/tmp");
    w.file("link/planted", "x");
  }));
  CHECK(refused([](TarWriter& w) {
    w.pax("uid", "not-a-number");
    w.file("owned", "x");
  }));
  CHECK_FALSE(fs::exists(tmp.path + "/escape"));
  CHECK_FALSE(fs::exists("/tmp/planted"));
}

TEST_CASE("image store: import, find, names move, remove refused while in use", "[runtime][root]") {
  TempDir tmp;
  {
    TarWriter layer(tmp.path + "/layer.tar");
    layer.dir("bin");
    layer.file("bin/hello", "#!/bin/sh\necho hi\n", 0755);
  }
  const std::string archive = docker_archive(tmp.path, {tmp.path + "/layer.tar"}, "hello:1");
  SystemClock clock;
  auto store = ImageStore::open(tmp.path + "/images", clock);
  REQUIRE(store.has_value());
  // Progress: the archive's bytes as they are read, then the layers; never backwards.
  std::vector<ImportProgress> seen;
  auto imported = (*store)->import_archive(archive, [&](const ImportProgress& p) { seen.push_back(p); });
  INFO((imported ? "" : imported.error().message));
  REQUIRE(imported.has_value());
  REQUIRE(imported->size() == 1);
  REQUIRE(seen.size() >= 2);
  const auto archive_size = fs::file_size(archive);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    CHECK(seen[i].bytes_done >= seen[i - 1].bytes_done);
    CHECK(seen[i].layers_done >= seen[i - 1].layers_done);
    CHECK(seen[i].bytes_total == archive_size);
  }
  CHECK(seen.front().layers_total == 0);  // not known before the archive is read
  CHECK(seen.back().bytes_done == archive_size);
  CHECK((seen.back().layers_done == 1 && seen.back().layers_total == 1));
  CHECK((*imported)[0].names == std::vector<std::string>{"docker.io/library/hello:1"});
  auto found = (*store)->find("hello:1");
  REQUIRE(found.has_value());
  CHECK(fs::exists(found->rootfs + "/bin/hello"));
  // Pinned by its id (what an imported image's containers report as imageDigest).
  CHECK((*store)->find("hello@" + found->id).has_value());
  CHECK_FALSE((*store)->find("hello@sha256:" + std::string(64, 'c')).has_value());
  // Importing again re-uses the unpacked root.
  std::size_t layers_again = 0;
  auto again = (*store)->import_archive(archive, [&](const ImportProgress& p) { layers_again = p.layers_done; });
  REQUIRE(again.has_value());
  CHECK(layers_again == 1);  // counted done at once: the image is there
  CHECK((*store)->list().size() == 1);
  // A reopened store sees the same images.
  auto reopened = ImageStore::open(tmp.path + "/images", clock);
  REQUIRE((*reopened)->find("docker.io/library/hello:1").has_value());
  auto in_use = (*store)->remove("hello:1", [](const Image&) { return true; });
  REQUIRE_FALSE(in_use.has_value());
  CHECK(in_use.error().code == Code::resource_in_use);
  REQUIRE((*store)->remove("hello:1", [](const Image&) { return false; }).has_value());
  CHECK_FALSE((*store)->find("hello:1").has_value());
  CHECK_FALSE(fs::exists(found->rootfs));
}

TEST_CASE("image store: a corrupted layer is refused by digest", "[runtime][root]") {
  TempDir tmp;
  {
    TarWriter layer(tmp.path + "/layer.tar");
    layer.file("hello", "x");
  }
  const std::string archive = docker_archive(tmp.path, {tmp.path + "/layer.tar"}, "hello:1");
  // Rewrite the archive with the layer's bytes changed but the manifest kept.
  {
    TarWriter layer(tmp.path + "/other.tar");
    layer.file("hello", "y");
  }
  const std::string good_digest = *sha256_file(tmp.path + "/layer.tar");
  {
    TarWriter outer(tmp.path + "/bad.tar");
    outer.file(good_digest + "/layer.tar", *read_file(tmp.path + "/other.tar"));
    const model::Json config{{"architecture", "amd64"}, {"os", "linux"},
                             {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + good_digest}}}}};
    outer.file("config.json", config.dump());
    outer.file("manifest.json", model::Json::array({{{"Config", "config.json"}, {"RepoTags", {"bad:1"}},
                                                     {"Layers", {good_digest + "/layer.tar"}}}}).dump());
  }
  SystemClock clock;
  auto store = ImageStore::open(tmp.path + "/images", clock);
  auto r = (*store)->import_archive(tmp.path + "/bad.tar");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message.find("diff_id") != std::string::npos);
  CHECK((*store)->list().empty());
}

TEST_CASE("tar reader: zstd layers read like plain and gzip ones; a corrupt frame is refused", "[runtime]") {
  TempDir tmp;
  {
    TarWriter layer(tmp.path + "/layer.tar");
    layer.dir("etc");
    layer.file("etc/motd", std::string(100000, 'z'));
  }
  std::ifstream in(tmp.path + "/layer.tar", std::ios::binary);
  const std::string plain((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // With a content checksum, as zstd's CLI and containerd write frames.
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string packed(ZSTD_compressBound(plain.size()), '\0');
  packed.resize(ZSTD_compress2(cctx, packed.data(), packed.size(), plain.data(), plain.size()));
  ZSTD_freeCCtx(cctx);
  std::ofstream(tmp.path + "/layer.tar.zst", std::ios::binary) << packed;
  auto reader = TarReader::open(tmp.path + "/layer.tar.zst");
  REQUIRE(reader.has_value());
  std::vector<std::string> names;
  std::string motd;
  while (true) {
    auto entry = reader->next();
    REQUIRE(entry.has_value());
    if (!*entry) break;
    names.push_back((*entry)->path);
    if ((*entry)->path == "etc/motd") {
      REQUIRE(reader->read_data([&](std::string_view chunk) -> Result<void> {
        motd += chunk;
        return {};
      }).has_value());
    }
  }
  CHECK(names == std::vector<std::string>{"etc", "etc/motd"});
  CHECK(motd == std::string(100000, 'z'));

  packed[packed.size() / 2] ^= 0x55;
  std::ofstream(tmp.path + "/bad.tar.zst", std::ios::binary) << packed;
  auto bad = TarReader::open(tmp.path + "/bad.tar.zst");
  REQUIRE(bad.has_value());
  bool refused = false;
  for (int i = 0; i < 10 && !refused; ++i) {  // the error shows wherever the reader meets it
    auto entry = bad->next();
    if (!entry) refused = true;
    else if (!*entry) break;
    else if (!bad->read_data([](std::string_view) -> Result<void> { return {}; })) refused = true;
  }
  CHECK(refused);
}

}  // namespace image_store_test
