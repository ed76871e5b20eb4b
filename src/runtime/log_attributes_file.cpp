#include "runtime/log_attributes_file.hpp"

#include <filesystem>

#include "common/files.hpp"
#include "model/schema.hpp"

namespace berth::runtime {
namespace {

constexpr std::size_t k_max_file = 64 * 1024;

}  // namespace

std::string log_attributes_path(const std::string& log_path) {
  const std::string_view suffix = ".log";
  const std::string base = log_path.ends_with(suffix) ? log_path.substr(0, log_path.size() - suffix.size()) : log_path;
  return base + ".attrs";
}

Result<void> write_log_attributes(const std::string& log_path, const std::map<std::string, std::string>& attributes) {
  const std::string path = log_attributes_path(log_path);
  if (attributes.empty()) {
    std::error_code ec;
    std::filesystem::remove(path, ec);  // a container made again without them: none left over
    return {};
  }
  // A file of the data dir read after a reboot: replaced whole, durable (written once per start).
  return write_file_atomic(path, model::Json(attributes).dump(), 0600);
}

std::map<std::string, std::string> read_log_attributes(const std::string& log_path) {
  std::map<std::string, std::string> out;
  const auto text = read_file_range(log_attributes_path(log_path), 0, k_max_file);
  if (!text) return out;
  const model::Json json = model::Json::parse(*text, nullptr, false);
  if (!json.is_object()) return out;
  for (const auto& [key, value] : json.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

}  // namespace berth::runtime
