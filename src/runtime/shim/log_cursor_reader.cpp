#include "runtime/shim/log_cursor_reader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "runtime/shim/log_record.hpp"

namespace berth::runtime {
namespace {

struct OpenFile {
  std::FILE* file = nullptr;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
};

// The log's files, oldest first, each open once. They are opened newest first: a rotation between
// two opens then makes a later name show a file already open (the same inode, skipped) rather
// than hide one that moved past a name already opened.
std::vector<OpenFile> open_files(const std::string& path, int keep_files) {
  std::vector<OpenFile> out;
  for (int i = 0; i <= keep_files; ++i) {
    const std::string name = i == 0 ? path : path + "." + std::to_string(i);
    std::FILE* file = std::fopen(name.c_str(), "re");
    if (!file) continue;
    struct stat st;
    const auto inode = ::fstat(::fileno(file), &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
    if (inode == 0 || std::any_of(out.begin(), out.end(), [&](const OpenFile& f) { return f.inode == inode; })) {
      std::fclose(file);
      continue;
    }
    out.push_back({file, inode, static_cast<std::uint64_t>(st.st_size)});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// Whether `offset` is where a record of `f` starts: its start, or just past a newline.
bool at_record_start(const OpenFile& f, std::uint64_t offset) {
  if (offset == 0) return true;
  if (offset > f.size || ::fseeko(f.file, static_cast<off_t>(offset - 1), SEEK_SET) != 0) return false;
  return std::fgetc(f.file) == '\n';
}

}  // namespace

model::LogChunk read_log_after(const std::string& path, int keep_files, const std::optional<model::LogCursor>& from,
                               std::size_t max_bytes) {
  model::LogChunk chunk;
  auto files = open_files(path, keep_files);
  const auto close_all = [&files] {
    for (auto& f : files) std::fclose(f.file);
  };
  if (files.empty()) {
    if (from) chunk.next = *from;
    return chunk;
  }
  // Where to start: the cursor's file and offset, or the oldest line when its file is gone (or the
  // offset is not a record's start there: an inode reused by a newer file).
  std::size_t first = 0;
  std::uint64_t offset = 0;
  if (from) {
    const auto found = std::find_if(files.begin(), files.end(), [&](const OpenFile& f) { return f.inode == from->file; });
    if (found != files.end() && at_record_start(*found, from->offset)) {
      first = static_cast<std::size_t>(found - files.begin());
      offset = from->offset;
    }
  }
  chunk.next = {files[first].inode, offset};
  std::size_t used = 0;
  std::string text;  // the line being joined from its records
  std::string time, stream;
  bool pending = false;  // records of a line not complete yet were read
  char* raw = nullptr;
  std::size_t raw_capacity = 0;
  bool stopped = false;
  for (std::size_t i = first; i < files.size() && !stopped; ++i) {
    auto& f = files[i];
    std::uint64_t position = i == first ? offset : 0;
    if (::fseeko(f.file, static_cast<off_t>(position), SEEK_SET) != 0) break;
    const bool newest = i + 1 == files.size();
    while (true) {
      const ssize_t length = ::getline(&raw, &raw_capacity, f.file);
      if (length <= 0) break;
      // A record without its newline is being written (the newest file) or was cut by a crash (a
      // rotated one, which never grows again): the first waits, the second is passed over.
      if (raw[length - 1] != '\n') {
        if (newest) stopped = true;
        break;
      }
      position += static_cast<std::uint64_t>(length);
      const std::string_view line(raw, static_cast<std::size_t>(length - 1));
      const auto record = parse_shim_log_record(line);
      if (!record) {
        if (!pending) chunk.next = {f.inode, position};
        continue;
      }
      if (!pending) {
        time = line.substr(0, line.find(' '));  // as written, as read_log gives it
        stream = record->stderr_ ? "stderr" : "stdout";
        text.clear();
        pending = true;
      }
      // A line of endless partial records is kept to the bound (its rest is read and dropped).
      text.append(record->text.substr(0, std::min(record->text.size(), max_bytes - std::min(max_bytes, text.size()))));
      if (record->partial) continue;
      const std::size_t size = text.size() + k_log_line_overhead;
      if (!chunk.lines.empty() && used + size > max_bytes) {
        chunk.more = true;
        stopped = true;
        break;
      }
      chunk.lines.push_back({{"time", time}, {"stream", stream}, {"text", text}});
      used += size;
      pending = false;
      chunk.next = {f.inode, position};
    }
    // Past a file's end with no line pending, the cursor moves to the next file: the one it left
    // may be deleted by a rotation before the next read.
    if (!stopped && !pending && !newest) chunk.next = {files[i + 1].inode, 0};
  }
  std::free(raw);
  close_all();
  return chunk;
}

}  // namespace berth::runtime
