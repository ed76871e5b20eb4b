// Image import against hostile archives: members are found inside the archive only, regular
// files only, bounded by their declared sizes; layers create no device nodes.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

#include "common/files.hpp"
#include "common/sha256.hpp"
#include "fixtures/tar_writer.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/image/image_manifest.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/image/layer_unpacker.hpp"

namespace image_import_test {

using namespace berth;
using namespace berth::runtime;
using berth::testing::TarWriter;
using berth::testing::TempDir;
using model::Json;
namespace fs = std::filesystem;

namespace {

// A one-layer image: its layer tar and the config naming that layer's diff_id.
struct OneLayer {
  std::string layer_path;
  std::string layer_digest;  // hex
  std::string config;
};

OneLayer one_layer(const std::string& dir) {
  OneLayer out;
  out.layer_path = dir + "/layer.tar";
  {
    TarWriter layer(out.layer_path);
    layer.file("hello", "hi\n");
  }
  out.layer_digest = *sha256_file(out.layer_path);
  out.config = Json{{"architecture", "amd64"}, {"os", "linux"}, {"config", {{"Cmd", {"sh"}}}},
                    {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + out.layer_digest}}}}}.dump();
  return out;
}

Json docker_manifest(const std::string& config, const std::vector<std::string>& layers) {
  return Json::array({{{"Config", config}, {"RepoTags", {"evil:1"}}, {"Layers", layers}}});
}

// Imports the archive `build` writes into a fresh store; returns the error message or "".
std::string import_error(const std::string& dir, const std::function<void(TarWriter&)>& build) {
  const std::string archive = dir + "/archive.tar";
  {
    TarWriter outer(archive);
    build(outer);
  }
  SystemClock clock;
  auto store = ImageStore::open(dir + "/images", clock);
  REQUIRE(store.has_value());
  auto imported = (*store)->import_archive(archive);
  fs::remove_all(dir + "/images");
  return imported ? "" : imported.error().message;
}

std::string oci_layout_index(const std::string& manifest_digest, std::size_t manifest_size) {
  return Json{{"schemaVersion", 2},
              {"manifests", {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                              {"digest", "sha256:" + manifest_digest}, {"size", manifest_size},
                              {"annotations", {{"io.containerd.image.name", "docker.io/library/oci:1"}}}}}}}
      .dump();
}

std::string hex_of(const std::string& data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

}  // namespace

TEST_CASE("image import: a docker-save manifest whose Config links to a host file is refused", "[runtime][root]") {
  TempDir tmp;
  const auto image = one_layer(tmp.path);
  // A host file that would pass for the image's config if it were followed.
  const std::string host_file = tmp.path + "/host-config.json";
  std::ofstream(host_file) << image.config;
  for (const std::string& link : {host_file, "../../../../../../../.." + host_file}) {
    INFO(link);
    const std::string error = import_error(tmp.path, [&](TarWriter& w) {
      w.file(image.layer_digest + "/layer.tar", *read_file(image.layer_path));
      w.symlink("config.json", link);
      w.file("manifest.json", docker_manifest("config.json", {image.layer_digest + "/layer.tar"}).dump());
    });
    CHECK(error.find("config.json") != std::string::npos);
    CHECK(error.find("missing from the archive") != std::string::npos);
  }
  // Links inside the archive still resolve there (docker save links a repeated layer).
  const std::string ok = import_error(tmp.path, [&](TarWriter& w) {
    w.file("a/layer.tar", *read_file(image.layer_path));
    w.dir("b");
    w.symlink("b/layer.tar", "../a/layer.tar");
    w.dir("conf");
    w.file("conf/real.json", image.config);
    w.symlink("config.json", "/conf/real.json");  // absolute: from the archive's root
    w.file("manifest.json", docker_manifest("config.json", {"b/layer.tar"}).dump());
  });
  CHECK(ok == "");
}

TEST_CASE("image import: a layer linked to /dev/zero or a FIFO is refused at once", "[runtime][root]") {
  TempDir tmp;
  const auto image = one_layer(tmp.path);
  for (const char* target : {"/dev/zero", "../../../../../../../../dev/zero", "fifo"}) {
    INFO(target);
    const std::string error = import_error(tmp.path, [&](TarWriter& w) {
      w.device("fifo", '6', 0, 0);
      w.device("dev/zero", '3', 1, 5);  // not created: a missing member, never the host's
      w.symlink("layer.tar", target);
      w.file("config.json", image.config);
      w.file("manifest.json", docker_manifest("config.json", {"layer.tar"}).dump());
    });
    CHECK(error.find("layer.tar") != std::string::npos);
  }
}

TEST_CASE("image import: OCI blobs are found in the archive and bounded by their declared size", "[runtime][root]") {
  TempDir tmp;
  const auto image = one_layer(tmp.path);
  const std::string layer = *read_file(image.layer_path);
  const auto manifest_for = [&](std::size_t declared_layer_size) {
    return Json{{"schemaVersion", 2},
                {"config", {{"digest", "sha256:" + hex_of(image.config)}, {"size", image.config.size()}}},
                {"layers", {{{"digest", "sha256:" + image.layer_digest}, {"size", declared_layer_size}}}}}
        .dump();
  };
  const auto layout = [&](TarWriter& w, const std::string& manifest, bool layer_as_host_link) {
    w.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    w.file("index.json", oci_layout_index(hex_of(manifest), manifest.size()));
    w.file("blobs/sha256/" + hex_of(manifest), manifest);
    w.file("blobs/sha256/" + hex_of(image.config), image.config);
    if (layer_as_host_link) {
      w.symlink("blobs/sha256/" + image.layer_digest, image.layer_path);
    } else {
      w.file("blobs/sha256/" + image.layer_digest, layer);
    }
  };
  CHECK(import_error(tmp.path, [&](TarWriter& w) { layout(w, manifest_for(layer.size()), false); }) == "");
  // The same bytes on the host, with the right digest, are still not the archive's.
  const std::string linked = import_error(tmp.path, [&](TarWriter& w) { layout(w, manifest_for(layer.size()), true); });
  CHECK(linked.find("missing from the archive") != std::string::npos);
  const std::string short_size = import_error(tmp.path, [&](TarWriter& w) { layout(w, manifest_for(layer.size() - 1), false); });
  CHECK(short_size.find("descriptor says") != std::string::npos);
  // The blobs directory itself a link to a host directory holding every right blob.
  const std::string manifest = manifest_for(layer.size());
  fs::create_directories(tmp.path + "/host-blobs/sha256");
  std::ofstream(tmp.path + "/host-blobs/sha256/" + hex_of(manifest)) << manifest;
  std::ofstream(tmp.path + "/host-blobs/sha256/" + hex_of(image.config)) << image.config;
  fs::copy_file(image.layer_path, tmp.path + "/host-blobs/sha256/" + image.layer_digest);
  const std::string dir_link = import_error(tmp.path, [&](TarWriter& w) {
    w.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    w.file("index.json", oci_layout_index(hex_of(manifest), manifest.size()));
    w.symlink("blobs", tmp.path + "/host-blobs");
  });
  CHECK(dir_link.find("missing from the archive") != std::string::npos);
}

TEST_CASE("image import: a directory is refused with a message saying what to do", "[runtime][root]") {
  TempDir tmp;
  fs::create_directories(tmp.path + "/layout/blobs");
  SystemClock clock;
  auto store = ImageStore::open(tmp.path + "/images", clock);
  auto r = (*store)->import_archive(tmp.path + "/layout");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Code::invalid_parameter);
  CHECK(r.error().message.find("is a directory") != std::string::npos);
}

TEST_CASE("tar reader: data shorter or longer than its header declares is refused", "[runtime]") {
  TempDir tmp;
  const std::string root = tmp.path + "/root";
  fs::create_directories(root);
  {
    // Declares 4 KiB, holds 100 bytes and the end of the archive.
    TarWriter w(tmp.path + "/short-full.tar");
    w.file_declaring("f", 4096, std::string(100, 'x'));
  }
  // Cut the end-of-archive blocks so the data really stops early.
  auto full = *read_file(tmp.path + "/short-full.tar");
  std::ofstream(tmp.path + "/short.tar", std::ios::binary) << full.substr(0, 1024);
  auto shorter = apply_layer(tmp.path + "/short.tar", root);
  REQUIRE_FALSE(shorter.has_value());
  CHECK(shorter.error().message.find("ends in the middle") != std::string::npos);
  {
    TarWriter w(tmp.path + "/long.tar");
    w.file_declaring("f", 10, std::string(1500, 'y'));  // the rest lands where a header belongs
    w.file("g", "after");
  }
  auto longer = apply_layer(tmp.path + "/long.tar", root);
  REQUIRE_FALSE(longer.has_value());
  CHECK(longer.error().message.find("bad header checksum") != std::string::npos);
  CHECK_FALSE(fs::exists(root + "/g"));
}

TEST_CASE("layers: device nodes are not created, links to them neither; FIFOs, setuid and whiteouts stay",
          "[runtime][root]") {
  TempDir tmp;
  {
    TarWriter base(tmp.path + "/base.tar");
    base.dir("dev");
    base.file("dev/console", "a lower layer's file");
    base.dir("bin");
    base.file("bin/su", "setuid program", 04755);
    base.file("bin/wall", "setgid program", 02755);
  }
  {
    TarWriter top(tmp.path + "/top.tar");
    top.device("dev/mem", '3', 1, 1);
    top.device("dev/sda", '4', 8, 0);
    top.device("dev/console", '3', 5, 1);  // replaces the lower file: it goes, nothing comes
    top.hardlink("dev/kmem", "dev/mem");
    top.hardlink("dev/disk", "dev/sda");
    top.device("run/initctl", '6', 0, 0);
    top.file("bin/.wh.wall", "");
  }
  const std::string root = tmp.path + "/root";
  fs::create_directories(root);
  REQUIRE(apply_layer(tmp.path + "/base.tar", root).has_value());
  auto applied = apply_layer(tmp.path + "/top.tar", root);
  INFO((applied ? "" : applied.error().message));
  REQUIRE(applied.has_value());
  for (const char* gone : {"dev/mem", "dev/sda", "dev/console", "dev/kmem", "dev/disk", "bin/wall"}) {
    INFO(gone);
    struct stat st {};
    CHECK(::lstat((root + "/" + gone).c_str(), &st) != 0);
  }
  struct stat st {};
  REQUIRE(::lstat((root + "/run/initctl").c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  REQUIRE(::lstat((root + "/bin/su").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 04755);
}

TEST_CASE("image store: its directory is root's alone, so setuid files in images stay out of host users' reach",
          "[runtime][root]") {
  TempDir tmp;
  SystemClock clock;
  REQUIRE(ImageStore::open(tmp.path + "/images", clock).has_value());
  struct stat st {};
  REQUIRE(::stat((tmp.path + "/images").c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);
}

TEST_CASE("image metadata: wrong JSON types are clear errors, never exceptions", "[runtime]") {
  const auto refused = [](const auto& r) { return !r.has_value() && r.error().code == Code::invalid_parameter; };
  CHECK(refused(decode_docker_archive_manifest(Json::parse(R"({"Config":"c"})"))));
  CHECK(refused(decode_docker_archive_manifest(Json::parse(R"([{"Config":5}])"))));
  CHECK(refused(decode_docker_archive_manifest(Json::parse(R"([{"Config":"c","Layers":"l"}])"))));
  CHECK(refused(decode_docker_archive_manifest(Json::parse(R"([{"Config":"c","RepoTags":[1]}])"))));
  CHECK(refused(decode_image_index(Json::parse(R"({"manifests":{}})"))));
  CHECK(refused(decode_image_index(Json::parse(R"({"manifests":[{"platform":"linux"}]})"))));
  CHECK(refused(decode_image_index(Json::parse(R"({"manifests":[{"platform":{"os":1}}]})"))));
  CHECK(refused(decode_image_index(Json::parse(R"({"manifests":[{"annotations":{"io.containerd.image.name":[]}}]})"))));
  const std::string digest = "sha256:" + std::string(64, 'a');
  CHECK(refused(decode_image_manifest(Json::parse(R"({"layers":[]})"))));
  CHECK(refused(decode_image_manifest(Json{{"config", {{"digest", digest}, {"size", -1}}}})));
  CHECK(refused(decode_image_manifest(Json{{"config", {{"digest", digest}, {"size", "12"}}}})));
  CHECK(refused(decode_image_manifest(Json{{"config", {{"digest", "sha512:00"}, {"size", 1}}}})));
  CHECK(refused(decode_image_manifest(Json{{"config", {{"digest", digest}}}, {"layers", {{{"digest", digest}, {"size", 1.5}}}}})));
  CHECK(refused(manifest_media_type(Json::parse(R"({"schemaVersion":"2"})"), "")));
  CHECK(refused(manifest_media_type(Json::parse(R"({"schemaVersion":2,"mediaType":7})"), "")));
  CHECK(manifest_media_type(Json::parse(R"({"schemaVersion":2})"), "text/x").value() == "text/x");
  CHECK(refused(decode_image_config(Json::parse(R"({"config":{"Cmd":"sh"}})"))));
  CHECK(refused(decode_image_config(Json::parse(R"({"config":{"Env":[1]}})"))));
  CHECK(refused(decode_image_config(Json::parse(R"({"config":{"WorkingDir":null}})"))));
  CHECK(refused(decode_image_config(Json::parse(R"({"config":"x"})"))));
  CHECK(refused(decode_image_config(Json::parse(R"({"rootfs":{"diff_ids":[{}]}})"))));
  auto docker_style = decode_image_config(Json::parse(R"({"config":{"Entrypoint":null,"Cmd":["sh"]},"rootfs":{"diff_ids":["a"]}})"));
  REQUIRE(docker_style.has_value());
  CHECK(*docker_style == std::vector<std::string>{"a"});
  auto index = decode_image_index(Json::parse(
      R"({"manifests":[{"digest":"d","platform":{}},{"digest":"e","platform":{"os":"linux","architecture":"arm","variant":"v7"},
          "annotations":{"org.opencontainers.image.ref.name":"latest"}}]})"));
  REQUIRE(index.has_value());
  CHECK_FALSE(index->manifests[0].platform.has_value());
  CHECK(index->manifests[1].platform->variant == "v7");
  CHECK(index->manifests[1].ref_name == "");  // a bare tag names nothing
}

}  // namespace image_import_test
