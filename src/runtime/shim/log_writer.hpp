// Container logs in the CRI/conmon "k8s-file" format, one record per line:
// `<RFC 3339 time> <stdout|stderr> <F|P> <text>` (P = partial line), rotated by size into
// <log>.1 ... <log>.N so a chatty container can never fill the flash. Not thread-safe.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::runtime {

enum class LogStream { stdout_, stderr_ };

class LogWriter {
 public:
  // `may_rotate` (optional) is asked before a rotation would delete the oldest rotated file; while
  // it says no, the file grows past max_bytes and held() is true. `before_delete` (optional) is
  // given that file's path just before a rotation deletes it.
  LogWriter(std::string path, std::size_t max_bytes, int keep_files, std::function<bool()> may_rotate = {},
            std::function<void(const std::string&)> before_delete = {});
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Appends output of `stream`; complete lines become F records, a trailing fragment P.
  void write(LogStream stream, std::string_view data);
  void flush();
  // Rotates if the file is full and rotation may happen (the writer asks again after a refusal).
  void rotate_if_full();
  // Full, and the rotation was refused: the caller should stop taking output.
  bool held() const { return m_file && m_size >= m_max_bytes; }

 private:
  void record(LogStream stream, std::string_view text, bool partial);

  std::string m_path;
  std::size_t m_max_bytes;
  int m_keep_files;
  std::function<bool()> m_may_rotate;
  std::function<void(const std::string&)> m_before_delete;
  std::FILE* m_file = nullptr;
  std::size_t m_size = 0;
};

struct LogLine {
  std::string time;
  std::string stream;  // "stdout" or "stderr"
  std::string text;    // without the newline
};

// Reads the records of the log at `path` (rotated files first, oldest to newest), joining
// partial records. Missing files read as empty.
std::vector<LogLine> read_log(const std::string& path, int keep_files);

}  // namespace berth::runtime
