// Sequential reader of tar archives (ustar, GNU long names, pax path/linkpath), plain, gzip or
// zstd (layer_decompressor.hpp), from a file or from a stream still arriving. One reader per
// archive; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "runtime/image/layer_decompressor.hpp"

namespace berth::runtime {

struct TarEntry {
  enum class Type { file, hardlink, symlink, char_device, block_device, directory, fifo };
  std::string path;  // as written in the archive (not yet cleaned)
  Type type = Type::file;
  std::string link_target;
  std::uint32_t mode = 0644;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::uint32_t dev_major = 0;
  std::uint32_t dev_minor = 0;
};

class TarReader {
 public:
  // Opens `path`; zstd and gzip are recognised by their magic, anything else is plain tar.
  [[nodiscard]] static Result<TarReader> open(const std::string& path);
  // Reads the archive from `compressed` (compressed as above) as it arrives; `display` names it
  // in errors. `integrity`: see LayerDecompressor.
  [[nodiscard]] static TarReader from_stream(ByteSource compressed, std::string display,
                                             LayerDecompressor::Integrity integrity = LayerDecompressor::Integrity::check_crc);
  TarReader(TarReader&&) noexcept;
  TarReader& operator=(TarReader&&) noexcept;
  ~TarReader();

  // Returns the next entry, or nothing at the end. The previous entry's unread data is skipped.
  [[nodiscard]] Result<std::optional<TarEntry>> next();
  // Streams the current entry's data to `sink` in chunks.
  [[nodiscard]] Result<void> read_data(const std::function<Result<void>(std::string_view)>& sink);

  struct Impl;

 private:
  explicit TarReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace berth::runtime
