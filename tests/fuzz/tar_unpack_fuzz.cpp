// Fuzz harness: the tar reader and the layer unpacker. Each input is written as a layer file and
// applied onto an empty root in a private temporary directory, which is wiped after every run.
// Any archive must apply or fail with an error, and nothing may land outside the root.
// Compressed inputs are skipped: a tiny zstd or gzip frame can expand into gigabytes of disk
// writes, and the plain tar underneath is what the unpacker's logic sees either way.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/image/layer_unpacker.hpp"

namespace {

// The private directory of this fuzzing process, removed when it exits.
struct Scratch {
  std::string dir;
  Scratch() {
    char pattern[] = "/tmp/berth-fuzz-tar-XXXXXX";
    dir = ::mkdtemp(pattern);
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

const std::string& scratch() {
  static const Scratch scratch;
  return scratch.dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) return 0;  // gzip
  if (size >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd) return 0;  // zstd
  const std::string layer = scratch() + "/layer.tar";
  const std::string root = scratch() + "/root";
  {
    std::ofstream out(layer, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  std::filesystem::create_directory(root);
  (void)berth::runtime::apply_layer(layer, root);
  // Whatever was written stays under the scratch directory: only these two names may be there.
  for (const auto& entry : std::filesystem::directory_iterator(scratch())) {
    const auto name = entry.path().filename().string();
    if (name != "layer.tar" && name != "root") abort();
  }
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  if (ec) abort();
  return 0;
}
