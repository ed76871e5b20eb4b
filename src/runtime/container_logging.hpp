// Where a container's output goes, as the agent derives it from the logConfiguration and the shim
// carries it out: berth's rotated file (json-file, and awslogs, whose file the log ingester
// follows), nowhere (none), or the host's syslog or journald through a socket, with Docker's
// delivery modes. Plain data; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/host_log_drivers.hpp"

namespace berth::runtime {

enum class LogSink { file, none, syslog, journald };

struct ContainerLogging {
  LogSink sink = LogSink::file;
  // Docker's mode: blocking = a container whose lines the sink cannot take waits; non-blocking =
  // up to max_buffer_bytes wait in the shim's memory and lines past that are dropped (counted).
  // The file sink always takes its lines.
  bool blocking = false;
  std::size_t max_buffer_bytes = 1 << 20;
  model::SyslogOptions syslog;  // sink syslog
  std::string journal_socket;   // sink journald: the journal's native socket
  std::string tag;              // syslog, journald: the tag, templates expanded
  std::string container_name;   // journald's CONTAINER_NAME
  std::string image_name;       // journald's IMAGE_NAME
  // journald: the extra fields the labels/env options picked (model/log_attributes.hpp), named
  // as journal fields already; file (json-file): Docker's attrs, those options' picks as named and
  // "tag" when a tag was given (kept in the log's attrs file, runtime/log_attributes_file.hpp).
  std::map<std::string, std::string> attributes;
  // awslogs with mode blocking: the file must not rotate away lines the log ingester has not read.
  bool wait_for_reader = false;
  // awslogs with mode non-blocking: the file rotates anyway, and the lines a rotation deletes
  // before the ingester read them are counted as dropped (as the socket sinks count theirs).
  bool count_unread = false;
  // Where the ingester writes the shim time (ns) of the last record it took (the runtime names it
  // in the container's state directory); set for wait_for_reader and count_unread.
  std::string progress_path;
};

// The shim's words for `logging` (appended to its other arguments) and their inverse, which
// re-checks every value (a saved argument file is read back after a restart).
std::vector<std::string> container_logging_args(const ContainerLogging& logging);
// Takes one `--log-*` key and its value into `out`; false when `key` is not one of them.
[[nodiscard]] Result<bool> parse_container_logging_arg(ContainerLogging& out, const std::string& key, const std::string& value);

}  // namespace berth::runtime
