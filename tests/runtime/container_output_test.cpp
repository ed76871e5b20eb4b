#include "runtime/shim/container_output.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>

#include "runtime/shim/host_log_format.hpp"

namespace container_output_test {

using namespace berth::runtime;

namespace {

// A syslog receiver the test holds: a unix datagram socket that reads only when told to.
struct Receiver {
  std::string dir;
  std::string path;
  int fd = -1;
  Receiver() {
    char pattern[] = "/tmp/berth-syslog-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    dir = pattern;
    path = dir + "/log.sock";
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Receiver() {
    ::close(fd);
    std::filesystem::remove_all(dir);
  }
  std::vector<std::string> read_all() {
    std::vector<std::string> out;
    char buffer[70000];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) out.emplace_back(buffer, static_cast<std::size_t>(n));
    return out;
  }
};

ContainerLogging syslog_to(const std::string& path, bool blocking, std::size_t max_buffer) {
  ContainerLogging logging;
  logging.sink = LogSink::syslog;
  logging.syslog.path = path;
  logging.syslog.format = berth::model::SyslogFormat::rfc5424;
  logging.tag = "web";
  logging.blocking = blocking;
  logging.max_buffer_bytes = max_buffer;
  return logging;
}

}  // namespace

TEST_CASE("syslog messages are formatted as Docker's syslog driver formats them", "[runtime][logs]") {
  SyslogHeader header{.facility = 3, .format = berth::model::SyslogFormat::rfc5424, .hostname = "gw1", .tag = "web",
                      .pid = 42, .utc = true};
  const std::int64_t t = 1764795081'123456;  // 2025-12-03T20:51:21.123456Z
  CHECK(format_syslog(header, false, "hello", t) == "<30>1 2025-12-03T20:51:21Z gw1 web 42 web - hello\n");
  header.format = berth::model::SyslogFormat::rfc5424micro;
  CHECK(format_syslog(header, true, "oops", t) == "<27>1 2025-12-03T20:51:21.123456Z gw1 web 42 web - oops\n");
  header.format = berth::model::SyslogFormat::rfc3164;
  header.facility = 16;
  CHECK(format_syslog(header, false, "hi", t) == "<134>Dec  3 20:51:21 gw1 web[42]: hi\n");
  header.format = berth::model::SyslogFormat::unix_local;
  CHECK(format_syslog(header, false, "hi", t) == "<134>Dec  3 20:51:21 web[42]: hi\n");
  // Over tcp+tls, Docker frames RFC 5424 by octet counting (RFC 5425), the newline counted.
  using berth::model::SyslogFormat;
  using berth::model::SyslogTransport;
  CHECK(syslog_octet_counted(SyslogTransport::tcp_tls, SyslogFormat::rfc5424));
  CHECK(syslog_octet_counted(SyslogTransport::tcp_tls, SyslogFormat::rfc5424micro));
  CHECK_FALSE(syslog_octet_counted(SyslogTransport::tcp_tls, SyslogFormat::rfc3164));
  CHECK_FALSE(syslog_octet_counted(SyslogTransport::tcp, SyslogFormat::rfc5424));
  header.format = SyslogFormat::rfc5424;
  header.facility = 3;
  header.octet_counted = true;
  CHECK(format_syslog(header, false, "hello", t) == "50 <30>1 2025-12-03T20:51:21Z gw1 web 42 web - hello\n");
}

TEST_CASE("journal entries use the native protocol's fields", "[runtime][logs]") {
  const JournalFields fields{"web", "0123456789abcdef-web", "web", "busybox"};
  CHECK(format_journal_entry(fields, true, false, "oops") ==
        "MESSAGE=oops\nPRIORITY=3\nSYSLOG_IDENTIFIER=web\nCONTAINER_TAG=web\nCONTAINER_ID=0123456789ab\n"
        "CONTAINER_ID_FULL=0123456789abcdef-web\nCONTAINER_NAME=web\nIMAGE_NAME=busybox\n");
  const std::string binary = format_journal_entry(fields, false, true, "a\nb");
  CHECK(binary.starts_with(std::string("MESSAGE\n\x03\0\0\0\0\0\0\0a\nb\nPRIORITY=6\n", 26)));
  CHECK(binary.ends_with("CONTAINER_PARTIAL_MESSAGE=true\n"));
}

TEST_CASE("journal entries carry the labels/env fields, which replace a standard field of their name", "[runtime][logs]") {
  JournalFields fields{"web", "0123456789abcdef-web", "web", "busybox"};
  fields.extra = {{"COM_EXAMPLE_TIER", "front"}, {"IMAGE_NAME", "from-env"}, {"NOTE", "two\nlines"}};
  CHECK(format_journal_entry(fields, false, false, "hi") ==
        std::string("MESSAGE=hi\nPRIORITY=6\nSYSLOG_IDENTIFIER=web\nCONTAINER_TAG=web\nCONTAINER_ID=0123456789ab\n"
                    "CONTAINER_ID_FULL=0123456789abcdef-web\nCONTAINER_NAME=web\nCOM_EXAMPLE_TIER=front\n"
                    "IMAGE_NAME=from-env\nNOTE\n\x09\0\0\0\0\0\0\0two\nlines\n", 212));
}

TEST_CASE("a syslog sink sends each line, splits long ones and joins a line cut between reads", "[runtime][logs]") {
  Receiver receiver;
  auto output = ContainerOutput::open(syslog_to(receiver.path, false, 1 << 20), {}, "t-web");
  REQUIRE(output);
  (*output)->write(LogStream::stdout_, "one\ntw");
  (*output)->write(LogStream::stdout_, "o\n\n");
  (*output)->write(LogStream::stderr_, std::string(20000, 'x') + "\n");
  const auto got = receiver.read_all();
  REQUIRE(got.size() == 4);
  CHECK(got[0].starts_with("<30>1 "));
  CHECK(got[0].ends_with(" web - one\n"));
  CHECK(got[1].ends_with(" web - two\n"));
  CHECK(got[2].starts_with("<27>1 "));
  CHECK(got[2].ends_with(" - " + std::string(16384, 'x') + "\n"));
  CHECK(got[3].ends_with(" - " + std::string(20000 - 16384, 'x') + "\n"));
}

TEST_CASE("non-blocking drops past max-buffer-size while the receiver lags, and says so", "[runtime][logs]") {
  Receiver receiver;
  auto opened = ContainerOutput::open(syslog_to(receiver.path, false, 4096), {}, "t-web");
  REQUIRE(opened);
  ContainerOutput& output = **opened;
  constexpr int k_lines = 3000;  // past the socket's queue (max_dgram_qlen, 10 to 512) and the buffer
  for (int i = 0; i < k_lines; ++i) {
    output.write(LogStream::stdout_, "line " + std::to_string(i) + "\n");
    CHECK(output.taking());  // the container is never held
  }
  REQUIRE(output.dropped() > 0);
  // The receiver reads; each round the shim sends what its queue takes: the backlog, then the notice.
  std::vector<std::string> got;
  while (true) {
    auto batch = receiver.read_all();
    if (batch.empty()) break;
    got.insert(got.end(), batch.begin(), batch.end());
    output.on_ready();
  }
  REQUIRE_FALSE(got.empty());
  CHECK(got.back().find("berth: " + std::to_string(output.dropped()) + " lines") != std::string::npos);
  CHECK(got.back().find("max-buffer-size 4096 bytes") != std::string::npos);
  // Every line is either received or counted as dropped; the notice is the one extra message.
  CHECK(got.size() - 1 + output.dropped() == static_cast<std::size_t>(k_lines));
}

TEST_CASE("blocking holds the container while the receiver lags and loses nothing", "[runtime][logs]") {
  Receiver receiver;
  auto opened = ContainerOutput::open(syslog_to(receiver.path, true, 1 << 20), {}, "t-web");
  REQUIRE(opened);
  ContainerOutput& output = **opened;
  int written = 0;
  while (output.taking() && written < 100000) output.write(LogStream::stdout_, "line " + std::to_string(written++) + "\n");
  REQUIRE_FALSE(output.taking());  // the shim stops reading: the container's writes wait on its pipe
  std::vector<std::string> got;
  while (!output.taking() || got.size() < static_cast<std::size_t>(written)) {
    const auto batch = receiver.read_all();
    got.insert(got.end(), batch.begin(), batch.end());
    output.on_ready();
    if (batch.empty() && output.taking()) break;
  }
  CHECK(output.taking());
  CHECK(output.dropped() == 0);
  REQUIRE(got.size() == static_cast<std::size_t>(written));
  CHECK(got.back().ends_with(" - line " + std::to_string(written - 1) + "\n"));
}

TEST_CASE("a log sink that cannot be reached fails the open with Docker's words", "[runtime][logs]") {
  auto missing = ContainerOutput::open(syslog_to("/nonexistent/berth/log.sock", false, 1024), {}, "t-web");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message ==
        "failed to initialize logging driver: dial unixgram /nonexistent/berth/log.sock: connect: No such file or directory");
  // A name too long for sockaddr_un even through /proc/self/fd says so (it once read "connect: Success").
  const std::string long_name = "/tmp/" + std::string(120, 'x');
  auto too_long = ContainerOutput::open(syslog_to(long_name, false, 1024), {}, "t-web");
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().message.find("socket name too long") != std::string::npos);
  ContainerLogging journald;
  journald.sink = LogSink::journald;
  journald.journal_socket = "/nonexistent/berth/journal.sock";
  auto no_journal = ContainerOutput::open(journald, {}, "t-web");
  REQUIRE_FALSE(no_journal);
  CHECK(no_journal.error().message.starts_with("failed to initialize logging driver: journald is not enabled on this host"));
}

TEST_CASE("the none sink keeps nothing, not even a file", "[runtime][logs]") {
  char pattern[] = "/tmp/berth-none-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const std::string path = std::string(pattern) + "/c.log";
  ContainerLogging none;
  none.sink = LogSink::none;
  auto output = ContainerOutput::open(none, {path, 1 << 20, 2}, "t-web");
  REQUIRE(output);
  (*output)->write(LogStream::stdout_, "secret\n");
  (*output)->finish(std::chrono::milliseconds(0));
  CHECK_FALSE(std::filesystem::exists(path));
  ContainerLogging file;
  auto kept = ContainerOutput::open(file, {path, 1 << 20, 2}, "t-web");
  REQUIRE(kept);
  (*kept)->write(LogStream::stdout_, "kept\n");
  (*kept)->finish(std::chrono::milliseconds(0));
  CHECK(std::filesystem::exists(path));
  std::filesystem::remove_all(pattern);
}

TEST_CASE("a held log file rotates only once its reader is past the oldest file", "[runtime][logs]") {
  char pattern[] = "/tmp/berth-progress-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const std::string dir = pattern, log = dir + "/c.log", progress = dir + "/progress";
  const auto put = [](const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  };
  // 2026-12-03T16:34:15Z is 1796315655 s after the epoch.
  const std::string oldest_last_ns = "1796315655000000002";
  put(log, "2026-12-03T16:34:17.000000000Z stdout F current\n");
  put(log + ".1", "2026-12-03T16:34:16.000000000Z stdout F newer\n");
  CHECK(reader_done_with_oldest(log, 2, progress));  // no .2: a rotation deletes nothing
  put(log + ".2", "2026-12-03T16:34:15.000000001Z stdout F first\n2026-12-03T16:34:15.000000002Z stderr P half\n");
  CHECK_FALSE(reader_done_with_oldest(log, 2, progress));  // no report: the reader has not started
  put(progress, "1796315655000000001\n");
  CHECK_FALSE(reader_done_with_oldest(log, 2, progress));  // the oldest's last record not taken yet
  put(progress, oldest_last_ns + "\n");
  CHECK(reader_done_with_oldest(log, 2, progress));
  put(progress, "1796315657000000000\n");
  CHECK(reader_done_with_oldest(log, 2, progress));
  put(progress, "garbage\n");
  CHECK_FALSE(reader_done_with_oldest(log, 2, progress));
  std::filesystem::remove_all(dir);
}

}  // namespace container_output_test
