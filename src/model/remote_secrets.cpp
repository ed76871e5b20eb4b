#include "model/remote_secrets.hpp"

#include <algorithm>

#include "model/environment_file_sources.hpp"

namespace berth::model {
namespace {

void add_reference(std::vector<std::string>& out, const Json& text) {
  if (!text.is_string()) return;
  const std::string reference = text.get<std::string>();
  if (!reference.empty() && std::find(out.begin(), out.end(), reference) == out.end()) out.push_back(reference);
}

}  // namespace

std::vector<std::string> secret_references_of(const Json& td) {
  std::vector<std::string> out;
  if (!td.is_object() || !td.contains("containerDefinitions") || !td["containerDefinitions"].is_array()) return out;
  for (const auto& c : td["containerDefinitions"]) {
    if (!c.is_object()) continue;
    for (const auto& secret : c.value("secrets", Json::array())) {
      if (secret.is_object() && secret.contains("valueFrom")) add_reference(out, secret["valueFrom"]);
    }
    if (const auto it = c.find("repositoryCredentials"); it != c.end() && it->is_object() &&
                                                          it->contains("credentialsParameter")) {
      add_reference(out, (*it)["credentialsParameter"]);
    }
    for (const auto& file : c.value("environmentFiles", Json::array())) {
      if (!file.is_object() || !file.contains("value") || !file["value"].is_string()) continue;
      if (environment_file_source(file["value"].get<std::string>()) == EnvironmentFileSource::secret) {
        add_reference(out, file["value"]);
      }
    }
  }
  return out;
}

Json served_secrets_to_json(const std::vector<ServedSecret>& secrets) {
  Json out = Json::array();
  for (const auto& s : secrets) {
    Json entry{{"valueFrom", s.value_from}};
    if (s.value) {
      entry["value"] = *s.value;
    } else {
      entry["error"] = s.error;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<ServedSecret>> served_secrets_from_json(const Json& json) {
  // The message never quotes the member: it may hold values.
  const auto malformed = [] { return fail(Code::server, "the server's reply is malformed: secrets"); };
  if (!json.is_array() || json.size() > k_max_served_secrets) return malformed();
  std::vector<ServedSecret> out;
  for (const auto& s : json) {
    if (!s.is_object() || !s.contains("valueFrom") || !s["valueFrom"].is_string()) return malformed();
    ServedSecret secret{s["valueFrom"].get<std::string>(), std::nullopt, ""};
    if (s.contains("value") && s["value"].is_string()) {
      secret.value = s["value"].get<std::string>();
    } else if (s.contains("error") && s["error"].is_string()) {
      secret.error = s["error"].get<std::string>();
    } else {
      return malformed();
    }
    out.push_back(std::move(secret));
  }
  return out;
}

}  // namespace berth::model
