#include "model/environment_file_sources.hpp"

#include "model/names.hpp"

namespace berth::model {

EnvironmentFileSource environment_file_source(std::string_view value) {
  if (value.starts_with("arn:")) {
    // arn:<partition>:<service>:...
    const auto service_start = value.find(':', 4);
    if (service_start == std::string_view::npos) return EnvironmentFileSource::invalid;
    const auto service_end = value.find(':', service_start + 1);
    const std::string_view service = value.substr(service_start + 1, service_end - service_start - 1);
    if (service == "s3") return EnvironmentFileSource::s3;
    if (service == "secretsmanager" || service == "ssm") return EnvironmentFileSource::secret;
    return EnvironmentFileSource::invalid;
  }
  if (value.ends_with(".env") && value.size() > 5 && is_clean_absolute_path(value)) {
    return EnvironmentFileSource::local_file;
  }
  return EnvironmentFileSource::invalid;
}

std::string environment_file_refusal(std::string_view value, bool in_override) {
  const std::string named = "environmentFiles '" + std::string(value) + "'";
  switch (environment_file_source(value)) {
    case EnvironmentFileSource::secret:
      if (!in_override) return "";
      return named + ": a secret cannot be named in an override (RunTask and StartTask check no access to "
                     "secrets, so any key that may run the task could read it); name it in the task definition.";
    case EnvironmentFileSource::local_file:
      if (!in_override) return "";
      return named + ": a file on the instance cannot be named in an override (RunTask and StartTask do not check "
                     "berth:RegisterPrivilegedTaskDefinition); name it in the task definition or use a secret ARN.";
    case EnvironmentFileSource::s3: return named + ": S3 does not exist on a berth gateway.";
    case EnvironmentFileSource::invalid: break;
  }
  return named + " is neither an absolute path of a .env file on the instance nor a Secrets Manager or SSM "
                 "parameter ARN.";
}

}  // namespace berth::model
