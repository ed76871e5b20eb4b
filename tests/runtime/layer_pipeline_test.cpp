// The pull's streaming parts with fakes for the network: the bounded concurrent downloads, the
// layer stream's memory bound and spill file, and a layer whose digest proves wrong after it was
// unpacked (the pull fails, nothing is left).
#include "runtime/image/layer_pipeline.hpp"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/files.hpp"
#include "common/sha256.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/tar_writer.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/image/blob_verifier.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/image/layer_unpacker.hpp"
#include "runtime/image/tar_reader.hpp"

namespace layer_pipeline_test {

using namespace berth;
using namespace berth::runtime;
using berth::testing::FakeClock;
using berth::testing::TarWriter;
using berth::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Reads `stream` to its end.
Result<std::string> read_all(LayerStream& stream) {
  std::string out;
  char buffer[7000];  // not a divisor of the chunks written: reads cross chunk boundaries
  while (true) {
    BERTH_ASSIGN(std::size_t got, stream.read(buffer, sizeof buffer));
    if (got == 0) return out;
    out.append(buffer, got);
  }
}

std::string pattern(std::size_t size, char seed) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>(seed + i * 7 % 251);
  return out;
}

std::string gzip(const std::string& plain) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, plain.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("layer pipeline: at most max_fetches downloads at once, all of them busy, layers applied in order", "[runtime]") {
  TempDir tmp;
  // No more layers than the pipeline fetches ahead of its unpacker (2 × k_fetches, next test):
  // the downloads never wait for it here.
  constexpr std::size_t k_layers = 6, k_fetches = 3;
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t active = 0, peak = 0, finished = 0;
  bool saturated_every_time = true;
  LayerPipelineSteps steps;
  steps.spill_path = [&](std::size_t i) { return tmp.path + "/layer" + std::to_string(i) + ".partial"; };
  steps.fetch = [&](std::size_t i, LayerStream& stream) -> Result<void> {
    {
      std::unique_lock lock(mutex);
      peak = std::max(peak, ++active);
      // Hold every download until as many run as the bound allows: a pipeline that fetched
      // fewer at once never gets there (the wait gives up rather than hang the test).
      const auto full = [&] { return active == std::min(k_fetches, k_layers - finished); };
      if (!changed.wait_for(lock, std::chrono::seconds(20), full)) saturated_every_time = false;
      changed.notify_all();
    }
    const bool written = stream.write("layer " + std::to_string(i) + ";") && stream.write(pattern(100000, static_cast<char>(i)));
    std::lock_guard lock(mutex);
    --active;
    ++finished;
    changed.notify_all();
    return written ? Result<void>() : fail(Code::server, "write refused");
  };
  std::vector<std::size_t> order;
  std::vector<bool> contents_ok;
  steps.apply = [&](std::size_t i, LayerStream& stream) -> Result<void> {
    BERTH_ASSIGN(auto bytes, read_all(stream));
    order.push_back(i);
    contents_ok.push_back(bytes == "layer " + std::to_string(i) + ";" + pattern(100000, static_cast<char>(i)));
    return {};
  };
  // Spilling at once: the early layers go through their spill files.
  REQUIRE(run_layer_pipeline(k_layers, steps, LayerPipelineLimits{k_fetches, 64 * 1024, std::chrono::milliseconds(0)}).has_value());
  CHECK(peak == k_fetches);
  CHECK(saturated_every_time);
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
  CHECK(contents_ok == std::vector<bool>(k_layers, true));
  // Layers that came before their turn spilled; once applied, their spill files went.
  CHECK(fs::is_empty(tmp.path));
}

TEST_CASE("layer pipeline: no more than 2 x max_fetches layers are fetched ahead of the unpacker", "[runtime]") {
  TempDir tmp;
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t started = 0, started_while_layer0_unpacked = 0;
  LayerPipelineSteps steps;
  steps.spill_path = [&](std::size_t i) { return tmp.path + "/layer" + std::to_string(i) + ".partial"; };
  steps.fetch = [&](std::size_t, LayerStream& stream) -> Result<void> {
    {
      std::lock_guard lock(mutex);
      ++started;
      changed.notify_all();
    }
    return stream.write(pattern(1000, 'f')) ? Result<void>() : fail(Code::server, "refused");
  };
  steps.apply = [&](std::size_t i, LayerStream& stream) -> Result<void> {
    if (i == 0) {
      // Hold the first layer until the downloads have gone as far ahead as they may (a pipeline
      // without the bound would start all 8; the wait gives up rather than hang).
      std::unique_lock lock(mutex);
      changed.wait_for(lock, std::chrono::seconds(20), [&] { return started >= 4; });
      started_while_layer0_unpacked = started;
    }
    BERTH_TRY(read_all(stream));
    return {};
  };
  REQUIRE(run_layer_pipeline(8, steps, LayerPipelineLimits{2, 64 * 1024, std::chrono::milliseconds(0)}).has_value());
  CHECK(started_while_layer0_unpacked == 4);
  CHECK(started == 8);
}

TEST_CASE("layer pipeline: the first failure stops the other downloads and is the one returned", "[runtime]") {
  TempDir tmp;
  LayerPipelineSteps steps;
  steps.spill_path = [&](std::size_t i) { return tmp.path + "/layer" + std::to_string(i) + ".partial"; };
  std::atomic<int> stopped{0};
  steps.fetch = [&](std::size_t i, LayerStream& stream) -> Result<void> {
    if (i == 1) return fail(Code::server, "blob 1: HTTP 404");
    // The others stream until the stream refuses: the failure must reach them.
    while (stream.write(pattern(4096, 'x'))) {
    }
    ++stopped;
    return fail(Code::server, "stopped");
  };
  bool applied_any = false;
  steps.apply = [&](std::size_t, LayerStream& stream) -> Result<void> {
    applied_any = true;
    BERTH_TRY(read_all(stream));
    return {};
  };
  auto result = run_layer_pipeline(4, steps, LayerPipelineLimits{2, 16 * 1024});
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().message == "blob 1: HTTP 404");
  CHECK(stopped.load() >= 1);  // layer 0 at least was stopped midway (nothing else ends it)
  (void)applied_any;
}

TEST_CASE("layer pipeline: a layer the unpacker refuses and the digest condemns is reported by its digest", "[runtime]") {
  TempDir tmp;
  LayerPipelineSteps steps;
  steps.spill_path = [&](std::size_t) { return tmp.path + "/layer.partial"; };
  steps.fetch = [&](std::size_t, LayerStream& stream) -> Result<void> {
    for (int i = 0; i < 50; ++i) {
      if (!stream.write(pattern(4096, 'c'))) return fail(Code::server, "refused");
    }
    return fail(Code::server, "blob sha256:x does not match its digest");
  };
  steps.apply = [&](std::size_t, LayerStream& stream) -> Result<void> {
    char head[10];
    BERTH_TRY(stream.read(head, sizeof head));
    return fail(Code::invalid_parameter, "layer: corrupt archive: invalid block type");  // long before the end
  };
  auto result = run_layer_pipeline(1, steps);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().message == "blob sha256:x does not match its digest");
}

TEST_CASE("layer stream: an attached reader takes the bytes through bounded memory, in order", "[runtime]") {
  TempDir tmp;
  LayerStream stream(tmp.path + "/blob.partial", 256 * 1024);
  stream.attach();
  const std::string data = pattern(4 << 20, 'a');
  std::thread producer([&] {
    bool ok = true;
    for (std::size_t at = 0; at < data.size() && ok; at += 65536) ok = stream.write(std::string_view(data).substr(at, 65536));
    stream.finish(ok ? Result<void>() : fail(Code::server, "refused"));
  });
  auto got = read_all(stream);
  producer.join();
  REQUIRE(got.has_value());
  CHECK(*got == data);
  CHECK(stream.peak_memory() <= 256 * 1024);
  CHECK(stream.spilled_bytes() == 0);
  CHECK_FALSE(fs::exists(tmp.path + "/blob.partial"));
}

TEST_CASE("layer stream: bytes before the reader attaches spill to the file, then memory takes over", "[runtime]") {
  TempDir tmp;
  LayerStream stream(tmp.path + "/blob.partial", 64 * 1024, std::chrono::milliseconds(0));
  const std::string data = pattern(1 << 20, 'q');
  const std::string_view all(data);
  REQUIRE(stream.write(all.substr(0, 300000)));  // no reader yet: the download is not held up
  CHECK(stream.spilled_bytes() == 300000);
  CHECK(fs::file_size(tmp.path + "/blob.partial") == 300000);
  stream.attach();
  std::thread producer([&] {
    bool ok = true;
    for (std::size_t at = 300000; at < data.size() && ok; at += 10000) ok = stream.write(all.substr(at, 10000));
    stream.finish(ok ? Result<void>() : fail(Code::server, "refused"));
  });
  auto got = read_all(stream);
  producer.join();
  REQUIRE(got.has_value());
  CHECK(*got == data);
  CHECK(stream.peak_memory() <= 64 * 1024);
  CHECK(stream.spilled_bytes() == 300000);  // after the reader came, memory carried the rest
  stream.remove_spill();
  CHECK_FALSE(fs::exists(tmp.path + "/blob.partial"));
}

TEST_CASE("layer stream: a layer whose reader comes while it waits in full memory never touches the disk", "[runtime]") {
  TempDir tmp;
  LayerStream stream(tmp.path + "/blob.partial", 64 * 1024, std::chrono::hours(1));
  const std::string data = pattern(1 << 20, 'w');
  std::thread producer([&] {
    bool ok = true;
    for (std::size_t at = 0; at < data.size() && ok; at += 10000) ok = stream.write(std::string_view(data).substr(at, 10000));
    stream.finish(ok ? Result<void>() : fail(Code::server, "refused"));
  });
  // The download fills the memory and waits (an hour, here) for its reader.
  while (stream.peak_memory() < 64 * 1024) std::this_thread::yield();
  stream.attach();
  auto got = read_all(stream);
  producer.join();
  REQUIRE(got.has_value());
  CHECK(*got == data);
  CHECK(stream.spilled_bytes() == 0);
  CHECK_FALSE(fs::exists(tmp.path + "/blob.partial"));
}

TEST_CASE("layer stream: an earlier pull's spill file is adopted; a second stream of the blob spills privately", "[runtime]") {
  TempDir tmp;
  const std::string path = tmp.path + "/blob.partial";
  REQUIRE(write_file_atomic(path, "head-").has_value());
  LayerStream first(path, 1024);
  auto adopted = first.adopt_spill(100);
  REQUIRE(adopted.has_value());
  CHECK(*adopted == 5);
  LayerStream second(path, 1024);
  CHECK(*second.adopt_spill(100) == 0);  // locked by the first
  REQUIRE(second.write("other"));
  REQUIRE(first.write("tail"));
  CHECK(*read_file(path) == "head-tail");
  first.finish({});
  second.finish({});
  first.attach();
  second.attach();
  CHECK(*read_all(first) == "head-tail");
  CHECK(*read_all(second) == "other");
  LayerStream too_long(tmp.path + "/long.partial", 1024);
  REQUIRE(write_file_atomic(tmp.path + "/long.partial", std::string(200, 'x')).has_value());
  CHECK(*too_long.adopt_spill(100) == 0);  // not a prefix of this blob: dropped
}

TEST_CASE("pull: a layer unpacked while it streams but failing its digest fails the pull and leaves nothing", "[runtime][root]") {
  TempDir tmp;
  {
    TarWriter layer(tmp.path + "/layer.tar");
    layer.dir("etc");
    layer.file("etc/motd", pattern(300000, 'm'));
  }
  const std::string blob = gzip(*read_file(tmp.path + "/layer.tar"));
  Sha256 other;
  other.update("not the layer");
  const std::string wrong_digest = "sha256:" + other.hex_digest();
  FakeClock clock;
  auto store = ImageStore::open(tmp.path + "/images", clock);
  REQUIRE(store.has_value());
  const model::Json config{{"architecture", "amd64"}, {"os", "linux"}, {"rootfs", {{"type", "layers"}, {"diff_ids", model::Json::array()}}}};
  bool unpacked_whole_layer = false;
  std::mutex mutex;
  std::condition_variable changed;
  bool applied = false;
  auto pulled = (*store)->add_pulled(config, {"registry.example/team/app:1"}, [&](const std::string& root) -> Result<void> {
    LayerPipelineSteps steps;
    steps.spill_path = [&](std::size_t) { return (*store)->blob_dir() + "/layer.partial"; };
    steps.fetch = [&](std::size_t, LayerStream& stream) -> Result<void> {
      BlobVerifier verifier(wrong_digest, blob.size());
      for (std::size_t at = 0; at < blob.size(); at += 8192) {
        const auto chunk = std::string_view(blob).substr(at, 8192);
        if (!verifier.add(chunk) || !stream.write(chunk)) return fail(Code::server, "refused");
      }
      // The verdict waits until the unpacker is done with the archive, as when the last bytes
      // of a real download arrive after the tar's end marker.
      std::unique_lock lock(mutex);
      changed.wait_for(lock, std::chrono::seconds(20), [&] { return applied; });
      auto verdict = verifier.verdict();
      if (!verdict) stream.remove_spill();
      return verdict;
    };
    steps.apply = [&](std::size_t, LayerStream& stream) -> Result<void> {
      TarReader reader = TarReader::from_stream([&](char* out, std::size_t n) { return stream.read(out, n); }, "layer");
      BERTH_TRY(apply_layer(reader, root));
      unpacked_whole_layer = fs::file_size(root + "/etc/motd") == 300000;
      std::lock_guard lock(mutex);
      applied = true;
      changed.notify_all();
      return {};
    };
    BERTH_TRY(make_dirs((*store)->blob_dir(), 0700));
    return run_layer_pipeline(1, steps);
  });
  REQUIRE_FALSE(pulled.has_value());
  CHECK_THAT(pulled.error().message, Catch::Contains("does not match its digest"));
  CHECK(unpacked_whole_layer);  // the check came after the unpacking, as it does in a real pull
  CHECK((*store)->list().empty());
  CHECK_FALSE((*store)->find("registry.example/team/app:1").has_value());
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(tmp.path + "/images")) left.push_back(entry.path().filename().string());
  CHECK(left == std::vector<std::string>{"blobs"});
  CHECK(fs::is_empty((*store)->blob_dir()));
}

}  // namespace layer_pipeline_test
