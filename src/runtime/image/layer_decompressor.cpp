#include "runtime/image/layer_decompressor.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

Result<ByteSource> file_source(const std::string& path) {
  auto fd = std::make_shared<UniqueFd>(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd->valid()) return fail(Code::invalid_parameter, "cannot open " + path + ": " + std::strerror(errno), errno);
  return ByteSource([fd, path](char* out, std::size_t n) -> Result<std::size_t> {
    while (true) {
      const ssize_t got = ::read(fd->get(), out, n);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno != EINTR) return fail(Code::invalid_parameter, "cannot read " + path + ": " + std::strerror(errno), errno);
    }
  });
}

struct LayerDecompressor::Impl {
  enum class Format { unknown, gzip, zstd, plain };
  ByteSource input;
  std::string display;
  bool check_crc = true;
  // Compressed bytes read ahead: [pos, len) are unused. 128 KiB, zlib's own gzbuffer size here.
  std::vector<char> buffer = std::vector<char>(128 * 1024);
  std::size_t pos = 0, len = 0;
  bool input_done = false;
  Format format = Format::unknown;
  bool member_done = false;  // gzip: the member ended; another may follow
  bool finished = false;
  z_stream z{};
  bool z_ready = false;
  ZSTD_DCtx* zstd = nullptr;

  ~Impl() {
    if (z_ready) inflateEnd(&z);
    if (zstd) ZSTD_freeDCtx(zstd);
  }

  std::unexpected<Error> corrupt(const std::string& why) const {
    return fail(Code::invalid_parameter, display + ": corrupt archive: " + why);
  }

  // Reads more input after what is buffered, keeping the unused bytes; false at the end.
  Result<bool> fill() {
    if (input_done) return false;
    if (pos > 0) {
      std::memmove(buffer.data(), buffer.data() + pos, len - pos);
      len -= pos;
      pos = 0;
    }
    if (len == buffer.size()) return true;
    BERTH_ASSIGN(std::size_t got, input(buffer.data() + len, buffer.size() - len));
    if (got == 0) {
      input_done = true;
      return false;
    }
    len += got;
    return true;
  }

  // Ensures `n` unused bytes are buffered, unless the input ends first.
  Result<void> want(std::size_t n) {
    while (len - pos < n) {
      BERTH_ASSIGN(bool more, fill());
      if (!more) break;
    }
    return {};
  }

  bool starts_with_gzip() const {
    return len - pos >= 2 && static_cast<unsigned char>(buffer[pos]) == 0x1f && static_cast<unsigned char>(buffer[pos + 1]) == 0x8b;
  }

  Result<void> detect() {
    BERTH_TRY(want(4));
    const auto* b = reinterpret_cast<const unsigned char*>(buffer.data() + pos);
    if (len - pos >= 4 && b[0] == 0x28 && b[1] == 0xB5 && b[2] == 0x2F && b[3] == 0xFD) {  // 0xFD2FB528 little-endian
      zstd = ZSTD_createDCtx();
      if (!zstd) return fail(Code::server, display + ": cannot make a zstd decoder");
      format = Format::zstd;
    } else if (starts_with_gzip()) {
      if (inflateInit2(&z, 15 + 16) != Z_OK) return fail(Code::server, display + ": cannot make a gzip decoder");
      z_ready = true;
      if (!check_crc) inflateValidate(&z, 0);
      format = Format::gzip;
    } else {
      format = Format::plain;
    }
    return {};
  }

  Result<std::size_t> read_gzip(char* out, std::size_t n) {
    while (true) {
      if (member_done) {
        // Another member follows, or the data ended (trailing bytes that are not one are ignored).
        BERTH_TRY(want(2));
        if (!starts_with_gzip()) {
          finished = true;
          return std::size_t{0};
        }
        inflateReset(&z);
        if (!check_crc) inflateValidate(&z, 0);
        member_done = false;
      }
      if (pos == len) {
        BERTH_ASSIGN(bool more, fill());
        if (!more) return corrupt("unexpected end of file");
      }
      z.next_in = reinterpret_cast<Bytef*>(buffer.data() + pos);
      z.avail_in = static_cast<uInt>(len - pos);
      z.next_out = reinterpret_cast<Bytef*>(out);
      z.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
      const int status = inflate(&z, Z_NO_FLUSH);
      pos = len - z.avail_in;
      const std::size_t produced = static_cast<std::size_t>(reinterpret_cast<char*>(z.next_out) - out);
      if (status == Z_STREAM_END) {
        member_done = true;
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        return corrupt(z.msg ? z.msg : "inflate failed");
      }
      if (produced > 0) return produced;
    }
  }

  Result<std::size_t> read_zstd(char* out, std::size_t n) {
    ZSTD_outBuffer output{out, n, 0};
    while (output.pos == 0) {
      if (pos == len) {
        BERTH_ASSIGN(bool more, fill());
        if (!more) return std::size_t{0};
      }
      ZSTD_inBuffer in{buffer.data() + pos, len - pos, 0};
      const std::size_t status = ZSTD_decompressStream(zstd, &output, &in);
      pos += in.pos;
      if (ZSTD_isError(status)) return corrupt(ZSTD_getErrorName(status));
    }
    return output.pos;
  }

  Result<std::size_t> read_plain(char* out, std::size_t n) {
    if (pos < len) {
      const std::size_t take = std::min(n, len - pos);
      std::memcpy(out, buffer.data() + pos, take);
      pos += take;
      return take;
    }
    if (input_done) return std::size_t{0};
    BERTH_ASSIGN(std::size_t got, input(out, n));
    if (got == 0) input_done = true;
    return got;
  }
};

LayerDecompressor::LayerDecompressor(ByteSource input, std::string display, Integrity integrity)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->input = std::move(input);
  m_impl->display = std::move(display);
  m_impl->check_crc = integrity == Integrity::check_crc;
}
LayerDecompressor::LayerDecompressor(LayerDecompressor&&) noexcept = default;
LayerDecompressor& LayerDecompressor::operator=(LayerDecompressor&&) noexcept = default;
LayerDecompressor::~LayerDecompressor() = default;

Result<std::size_t> LayerDecompressor::read(char* out, std::size_t n) {
  Impl& s = *m_impl;
  if (n == 0 || s.finished) return std::size_t{0};
  if (s.format == Impl::Format::unknown) BERTH_TRY(s.detect());
  switch (s.format) {
    case Impl::Format::gzip: return s.read_gzip(out, n);
    case Impl::Format::zstd: return s.read_zstd(out, n);
    default: return s.read_plain(out, n);
  }
}

}  // namespace berth::runtime
