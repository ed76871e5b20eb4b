#include "runtime/image/tar_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <vector>

namespace berth::runtime {

struct TarReader::Impl {
  explicit Impl(LayerDecompressor d, std::string display) : source(std::move(d)), path(std::move(display)) {}
  LayerDecompressor source;     // the archive's bytes, decompressed as they are read
  std::string path;             // names the archive in errors
  std::uint64_t remaining = 0;  // data bytes of the current entry not yet read
  std::uint64_t padding = 0;    // bytes up to the next 512-byte boundary after the data

  // Reads up to `n` bytes; 0 at the end of the stream.
  Result<std::size_t> read_some(char* out, std::size_t n) { return source.read(out, std::min<std::size_t>(n, 1 << 20)); }

  Result<void> read_exact(char* out, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      BERTH_ASSIGN(std::size_t got, read_some(out + done, n - done));
      if (got == 0) return fail(Code::invalid_parameter, path + ": archive ends in the middle of an entry");
      done += got;
    }
    return {};
  }

  Result<void> skip(std::uint64_t n) {
    char buffer[8192];
    while (n > 0) {
      const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(n, sizeof buffer));
      BERTH_TRY(read_exact(buffer, chunk));
      n -= chunk;
    }
    return {};
  }

  Result<std::string> read_whole_data(std::uint64_t size) {
    if (size > (16u << 20)) return fail(Code::invalid_parameter, path + ": metadata entry too large");
    std::string data(size, '\0');
    BERTH_TRY(read_exact(data.data(), data.size()));
    BERTH_TRY(skip((512 - size % 512) % 512));
    return data;
  }
};

namespace {

// Numeric header fields: octal text, or base-256 when the high bit is set (GNU, large files).
std::optional<std::uint64_t> parse_number(const char* field, std::size_t len) {
  if (static_cast<unsigned char>(field[0]) & 0x80) {
    std::uint64_t value = static_cast<unsigned char>(field[0]) & 0x7f;
    for (std::size_t i = 1; i < len; ++i) value = (value << 8) | static_cast<unsigned char>(field[i]);
    return value;
  }
  std::uint64_t value = 0;
  std::size_t i = 0;
  while (i < len && (field[i] == ' ' || field[i] == '\0')) ++i;
  for (; i < len && field[i] >= '0' && field[i] <= '7'; ++i) value = value * 8 + static_cast<std::uint64_t>(field[i] - '0');
  for (; i < len; ++i) {
    if (field[i] != ' ' && field[i] != '\0') return std::nullopt;
  }
  return value;
}

std::string field_text(const char* field, std::size_t len) {
  return std::string(field, strnlen(field, len));
}

bool checksum_ok(const char* header) {
  const auto stored = parse_number(header + 148, 8);
  if (!stored) return false;
  std::uint64_t sum = 0;
  for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
  return sum == *stored;
}

// pax records: "<len> <key>=<value>\n"...
std::map<std::string, std::string> parse_pax(const std::string& data) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const auto space = data.find(' ', pos);
    if (space == std::string::npos) break;
    const auto len = std::strtoull(data.c_str() + pos, nullptr, 10);
    // The length counts the whole record: digits, space, key=value and the closing newline.
    if (len == 0 || len > data.size() - pos || space + 1 >= pos + len || data[pos + len - 1] != '\n') break;
    const std::string record = data.substr(space + 1, pos + len - space - 2);
    const auto eq = record.find('=');
    if (eq != std::string::npos) out[record.substr(0, eq)] = record.substr(eq + 1);
    pos += len;
  }
  return out;
}

}  // namespace

TarReader::TarReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TarReader::TarReader(TarReader&&) noexcept = default;
TarReader& TarReader::operator=(TarReader&&) noexcept = default;
TarReader::~TarReader() = default;

Result<TarReader> TarReader::open(const std::string& path) {
  BERTH_ASSIGN(auto source, file_source(path));
  return from_stream(std::move(source), path);
}

TarReader TarReader::from_stream(ByteSource compressed, std::string display, LayerDecompressor::Integrity integrity) {
  return TarReader(std::make_unique<Impl>(LayerDecompressor(std::move(compressed), display, integrity), display));
}

Result<std::optional<TarEntry>> TarReader::next() {
  Impl& s = *m_impl;
  BERTH_TRY(s.skip(s.remaining + s.padding));
  s.remaining = s.padding = 0;
  std::optional<std::string> long_name, long_link;
  std::map<std::string, std::string> pax;
  while (true) {
    char header[512];
    std::size_t got = 0;
    while (got < sizeof header) {
      BERTH_ASSIGN(std::size_t n, s.read_some(header + got, sizeof header - got));
      if (n == 0) break;
      got += n;
    }
    if (got == 0) return std::optional<TarEntry>();  // end without the two zero blocks
    if (got != sizeof header) {
      return fail(Code::invalid_parameter, s.path + ": truncated tar header");
    }
    if (std::all_of(header, header + 512, [](char c) { return c == 0; })) return std::optional<TarEntry>();
    if (!checksum_ok(header)) return fail(Code::invalid_parameter, s.path + ": not a tar archive (bad header checksum)");
    const auto size = parse_number(header + 124, 12);
    if (!size) return fail(Code::invalid_parameter, s.path + ": bad size field");
    const char typeflag = header[156];
    if (typeflag == 'L' || typeflag == 'K' || typeflag == 'x' || typeflag == 'g') {
      BERTH_ASSIGN(auto data, s.read_whole_data(*size));
      if (typeflag == 'L') long_name = field_text(data.data(), data.size());
      if (typeflag == 'K') long_link = field_text(data.data(), data.size());
      if (typeflag == 'x') pax = parse_pax(data);
      continue;
    }
    TarEntry entry;
    std::string name = field_text(header, 100);
    const std::string magic(header + 257, 5);
    if (magic == "ustar") {
      const std::string prefix = field_text(header + 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    entry.path = pax.contains("path") ? pax["path"] : long_name.value_or(name);
    entry.link_target = pax.contains("linkpath") ? pax["linkpath"] : long_link.value_or(field_text(header + 157, 100));
    entry.mode = static_cast<std::uint32_t>(parse_number(header + 100, 8).value_or(0644) & 07777);
    // pax values come from the archive: parse them without trusting them.
    const auto pax_number = [&](const char* key, std::uint64_t fallback) -> std::optional<std::uint64_t> {
      const auto it = pax.find(key);
      if (it == pax.end()) return fallback;
      std::uint64_t v = 0;
      auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
      if (ec != std::errc() || end != it->second.data() + it->second.size()) return std::nullopt;
      return v;
    };
    const auto uid = pax_number("uid", parse_number(header + 108, 8).value_or(0));
    const auto gid = pax_number("gid", parse_number(header + 116, 8).value_or(0));
    const auto pax_size = pax_number("size", *size);
    if (!uid || !gid || !pax_size) return fail(Code::invalid_parameter, s.path + ": bad pax number for " + entry.path);
    entry.uid = static_cast<std::uint32_t>(*uid);
    entry.gid = static_cast<std::uint32_t>(*gid);
    entry.mtime = static_cast<std::int64_t>(parse_number(header + 136, 12).value_or(0));
    entry.size = *pax_size;
    entry.dev_major = static_cast<std::uint32_t>(parse_number(header + 329, 8).value_or(0));
    entry.dev_minor = static_cast<std::uint32_t>(parse_number(header + 337, 8).value_or(0));
    switch (typeflag) {
      case '0': case '\0': case '7': entry.type = TarEntry::Type::file; break;
      case '1': entry.type = TarEntry::Type::hardlink; break;
      case '2': entry.type = TarEntry::Type::symlink; break;
      case '3': entry.type = TarEntry::Type::char_device; break;
      case '4': entry.type = TarEntry::Type::block_device; break;
      case '5': entry.type = TarEntry::Type::directory; break;
      case '6': entry.type = TarEntry::Type::fifo; break;
      default:
        return fail(Code::invalid_parameter, s.path + ": unsupported tar entry type '" +
                                                 std::string(1, typeflag) + "' for " + entry.path);
    }
    if (entry.type == TarEntry::Type::file) {
      s.remaining = entry.size;
      s.padding = (512 - entry.size % 512) % 512;
    } else {
      s.remaining = 0;
      s.padding = 0;
      BERTH_TRY(s.skip(*size + (512 - *size % 512) % 512));
    }
    return std::optional<TarEntry>(std::move(entry));
  }
}

Result<void> TarReader::read_data(const std::function<Result<void>(std::string_view)>& sink) {
  Impl& s = *m_impl;
  std::vector<char> buffer(128 * 1024);
  while (s.remaining > 0) {
    const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(s.remaining, buffer.size()));
    BERTH_TRY(s.read_exact(buffer.data(), chunk));
    s.remaining -= chunk;
    BERTH_TRY(sink(std::string_view(buffer.data(), chunk)));
  }
  BERTH_TRY(s.skip(s.padding));
  s.padding = 0;
  return {};
}

}  // namespace berth::runtime
