#include "runtime/shim/log_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "common/rfc3339.hpp"

namespace berth::runtime {
namespace {

std::string now_rfc3339() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return rfc3339_utc(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count(), 9);
}

const char* stream_name(LogStream s) {
  switch (s) {
    case LogStream::stdout_: return "stdout";
    case LogStream::stderr_: return "stderr";
  }
  return "stdout";
}

}  // namespace

LogWriter::LogWriter(std::string path, std::size_t max_bytes, int keep_files, std::function<bool()> may_rotate,
                     std::function<void(const std::string&)> before_delete)
    : m_path(std::move(path)),
      m_max_bytes(max_bytes),
      m_keep_files(keep_files),
      m_may_rotate(std::move(may_rotate)),
      m_before_delete(std::move(before_delete)) {
  m_file = std::fopen(m_path.c_str(), "ae");
  struct stat st;
  if (m_file && ::fstat(::fileno(m_file), &st) == 0) m_size = static_cast<std::size_t>(st.st_size);
}

LogWriter::~LogWriter() {
  if (m_file) std::fclose(m_file);
}

void LogWriter::rotate_if_full() {
  if (m_size < m_max_bytes || !m_file) return;
  if (m_may_rotate && !m_may_rotate()) return;
  std::fclose(m_file);
  if (m_before_delete) m_before_delete(m_keep_files > 0 ? m_path + "." + std::to_string(m_keep_files) : m_path);
  for (int i = m_keep_files; i >= 1; --i) {
    const std::string from = i == 1 ? m_path : m_path + "." + std::to_string(i - 1);
    const std::string to = m_path + "." + std::to_string(i);
    ::rename(from.c_str(), to.c_str());
  }
  if (m_keep_files <= 0) ::unlink(m_path.c_str());
  m_file = std::fopen(m_path.c_str(), "ae");
  m_size = 0;
}

void LogWriter::record(LogStream stream, std::string_view text, bool partial) {
  if (!m_file) return;
  const std::string line = now_rfc3339() + " " + stream_name(stream) + (partial ? " P " : " F ") +
                           std::string(text) + "\n";
  std::fwrite(line.data(), 1, line.size(), m_file);
  m_size += line.size();
  rotate_if_full();
}

void LogWriter::write(LogStream stream, std::string_view data) {
  while (!data.empty()) {
    const auto newline = data.find('\n');
    if (newline == std::string_view::npos) {
      record(stream, data, true);
      break;
    }
    record(stream, data.substr(0, newline), false);
    data.remove_prefix(newline + 1);
  }
  std::fflush(m_file);
}

void LogWriter::flush() {
  if (m_file) {
    std::fflush(m_file);
    ::fsync(::fileno(m_file));
  }
}

std::vector<LogLine> read_log(const std::string& path, int keep_files) {
  std::vector<LogLine> out;
  std::string pending_text;
  for (int i = keep_files; i >= 0; --i) {
    std::ifstream in(i == 0 ? path : path + "." + std::to_string(i));
    std::string raw;
    while (std::getline(in, raw)) {
      const auto s1 = raw.find(' ');
      const auto s2 = s1 == std::string::npos ? s1 : raw.find(' ', s1 + 1);
      const auto s3 = s2 == std::string::npos ? s2 : raw.find(' ', s2 + 1);
      if (s3 == std::string::npos) continue;
      const std::string tag = raw.substr(s2 + 1, s3 - s2 - 1);
      pending_text += raw.substr(s3 + 1);
      if (tag == "P") continue;
      out.push_back({raw.substr(0, s1), raw.substr(s1 + 1, s2 - s1 - 1), pending_text});
      pending_text.clear();
    }
  }
  return out;
}

}  // namespace berth::runtime
