#include "runtime/linux/apparmor.hpp"

#include "common/files.hpp"

namespace berth::runtime {

bool apparmor_enabled(const std::string& enabled_file) {
  const auto text = read_file(enabled_file);
  return text && text->starts_with("Y");
}

}  // namespace berth::runtime
