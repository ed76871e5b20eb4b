#include "agent/security_options.hpp"

namespace berth::agent {

SecurityOptions security_options_of(const model::Json& c) {
  SecurityOptions out;
  for (const auto& value : c.value("dockerSecurityOptions", model::Json::array())) {
    const std::string option = value.get<std::string>();
    const auto separator = option.find_first_of(":=");
    if (separator == std::string::npos) continue;
    const std::string kind = option.substr(0, separator);
    const std::string setting = option.substr(separator + 1);
    if (kind == "seccomp" && setting == "unconfined") out.seccomp_unconfined = true;
    if (kind == "systempaths" && setting == "unconfined") out.system_paths_unconfined = true;
    if (kind == "apparmor") out.apparmor_profile = setting == "unconfined" ? "" : setting;
  }
  return out;
}

}  // namespace berth::agent
