// Decompresses a layer as its bytes arrive, from any source (a file, a download in progress):
// gzip (one or more members), zstd (recognised by its frame magic), or plain tar passed through,
// as zlib's gzread treats a file without the gzip magic. One decompressor per stream; not
// thread-safe. Its memory is bounded: one input buffer and the codec's own window.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"

namespace berth::runtime {

// A pull-style byte stream: fills up to `n` bytes at `out` and returns how many; 0 at its end.
using ByteSource = std::function<Result<std::size_t>(char* out, std::size_t n)>;

// Returns a source reading the file at `path` (opened now; closed when the source goes).
[[nodiscard]] Result<ByteSource> file_source(const std::string& path);

class LayerDecompressor {
 public:
  // Whether gzip's CRC-32 of the data is checked: not when the compressed bytes are verified by
  // SHA-256 already (a pulled layer), which proves more for less (crc32 took 3% of a pull).
  enum class Integrity { check_crc, digest_checked };
  // `display` names the stream in errors ("<path>: corrupt archive: ...").
  LayerDecompressor(ByteSource input, std::string display, Integrity integrity = Integrity::check_crc);
  LayerDecompressor(LayerDecompressor&&) noexcept;
  LayerDecompressor& operator=(LayerDecompressor&&) noexcept;
  ~LayerDecompressor();

  // Fills up to `n` decompressed bytes; 0 at the end of the data. Corrupt or truncated input is
  // InvalidParameterException naming the stream. What follows the last gzip member (anything
  // but another member) is ignored, as gzread does.
  [[nodiscard]] Result<std::size_t> read(char* out, std::size_t n);

  struct Impl;

 private:
  std::unique_ptr<Impl> m_impl;
};

}  // namespace berth::runtime
