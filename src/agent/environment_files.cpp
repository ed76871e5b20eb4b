#include "agent/environment_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "agent/container_spec_builder.hpp"
#include "model/environment_file_sources.hpp"

namespace berth::agent {
namespace {

using model::Json;

std::unexpected<Error> initialization_error(const std::string& why) {
  return fail(Code::client, std::string(k_environment_files_error) + why);
}

}  // namespace

Result<EnvironmentVariables> parse_environment_file(std::string_view text, const std::string& source) {
  EnvironmentVariables out;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    const auto equals = line.find('=');
    const std::string_view name = equals == std::string_view::npos ? line : line.substr(0, equals);
    const bool name_ok = equals != std::string_view::npos && !name.empty() &&
                         name.find_first_of(" \t\0", 0, 3) == std::string_view::npos;
    if (!name_ok || line.find('\0') != std::string_view::npos) {
      return fail(Code::client, source + ":" + std::to_string(number) + ": not a NAME=VALUE line");
    }
    out.emplace_back(std::string(name), std::string(line.substr(equals + 1)));
  }
  return out;
}

Result<std::string> read_host_environment_file(const std::string& path) {
  // O_NONBLOCK: a FIFO put at the path must not hang the agent.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return fail(Code::client, path + ": " + std::strerror(errno));
  struct stat st {};
  std::string text;
  std::string problem;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    problem = "not a regular file";
  } else if (static_cast<std::size_t>(st.st_size) > model::k_max_environment_file_bytes) {
    problem = "larger than 64 KiB";
  } else {
    char buffer[4096];
    while (problem.empty()) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) problem = std::strerror(errno);
      if (n <= 0) break;
      text.append(buffer, static_cast<std::size_t>(n));
      // The file may grow between fstat and read.
      if (text.size() > model::k_max_environment_file_bytes) problem = "larger than 64 KiB";
    }
  }
  ::close(fd);
  if (!problem.empty()) return fail(Code::client, path + ": " + problem);
  return text;
}

Json environment_files_of(const model::Task& task, const Json& container_definition) {
  const Json* override_ = container_override_of(task, container_definition.value("name", ""));
  if (override_ && !override_->value("environmentFiles", Json::array()).empty()) return (*override_)["environmentFiles"];
  return container_definition.value("environmentFiles", Json::array());
}

Result<EnvironmentVariables> resolve_environment_files(const Json& files, const SecretResolver& resolver,
                                                       const HostFileReader& read_file) {
  EnvironmentVariables out;
  std::set<std::string> named;  // set by an earlier file, which wins
  for (const auto& file : files) {
    const std::string value = file.value("value", "");
    Result<std::string> text;
    switch (model::environment_file_source(value)) {
      case model::EnvironmentFileSource::local_file: text = read_file(value); break;
      case model::EnvironmentFileSource::secret:
        if (resolver) {
          text = resolver(value);
        } else {
          text = fail(Code::client, "this berth resolves no secrets (" + value + ")");
        }
        break;
      case model::EnvironmentFileSource::s3:
      case model::EnvironmentFileSource::invalid:
        text = fail(Code::client, value + ": not a .env file on the instance or a secret ARN");
        break;
    }
    if (!text) return initialization_error(text.error().message);
    auto variables = parse_environment_file(*text, value);
    if (!variables) return initialization_error(variables.error().message);
    std::set<std::string> in_this_file;
    for (auto& [name, content] : *variables) {
      if (named.contains(name)) continue;
      if (in_this_file.insert(name).second) {
        out.emplace_back(name, std::move(content));
      } else {  // a later line of the same file replaces the earlier one
        std::find_if(out.begin(), out.end(), [&](const auto& v) { return v.first == name; })->second = std::move(content);
      }
    }
    named.insert(in_this_file.begin(), in_this_file.end());
  }
  return out;
}

}  // namespace berth::agent
