#include "model/names.hpp"

namespace berth::model {

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Result<void> check_name(std::string_view what, std::string_view name) {
  if (is_valid_name(name)) return {};
  return fail(Code::invalid_parameter,
              std::string(what) + " '" + std::string(name) +
                  "' is invalid: up to 255 letters (uppercase and lowercase), numbers, hyphens, "
                  "and underscores are allowed.");
}

bool is_clean_absolute_path(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.size() > 4096) return false;
  if (path.find('\0') != std::string_view::npos) return false;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace berth::model
