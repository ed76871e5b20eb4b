#include "model/log_attributes.hpp"

#include <optional>
#include <regex>

#include "common/split.hpp"
#include "common/tame_regex.hpp"

namespace berth::model {
namespace {

// Open-ended repetitions a labels-regex / env-regex may hold: enough for "^com\.example\..*$"
// style selectors; each one more multiplies the ways a key may be tried.
constexpr int k_max_open_repetitions = 3;
constexpr std::size_t k_max_option = 1024;
// journald's own limit on a field name (journal_field_valid).
constexpr std::size_t k_max_journal_field = 64;

std::optional<std::regex> compile(const std::string& pattern) {
  if (pattern.empty() || untamed_regex(pattern, k_max_open_repetitions)) return std::nullopt;
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return std::nullopt;
  }
}

std::vector<std::string> keys_of(const std::string& value) {
  std::vector<std::string> out;
  for (const auto piece : split(value, ',')) {
    if (!piece.empty()) out.emplace_back(piece);
  }
  return out;
}

// Whether journald keeps a field of this name (it drops others from an entry without a word).
bool journal_field_valid(std::string_view name) {
  return !name.empty() && name.size() <= k_max_journal_field && !(name.front() >= '0' && name.front() <= '9');
}

}  // namespace

Result<bool> set_log_attribute_option(LogAttributeOptions& out, const std::string& key, const std::string& value) {
  if (key != "labels" && key != "labels-regex" && key != "env" && key != "env-regex") return false;
  if (value.size() > k_max_option) return fail(Code::client, "logConfiguration.options '" + key + "' must be at most 1024 characters.");
  if (key == "labels") out.labels = keys_of(value);
  else if (key == "env") out.env = keys_of(value);
  else {
    if (auto rule = untamed_regex(value, k_max_open_repetitions)) {
      return fail(Code::client, "logConfiguration.options '" + key + "' '" + value + "': " + *rule);
    }
    if (!value.empty() && !compile(value)) {
      return fail(Code::client, "logConfiguration.options '" + key + "' '" + value + "' is not a valid regular expression.");
    }
    (key == "labels-regex" ? out.labels_regex : out.env_regex) = value;
  }
  return true;
}

std::string journald_field_name(std::string_view key) {
  std::string out;
  for (const char c : key) {
    char mapped = c;
    if (c >= 'a' && c <= 'z') mapped = static_cast<char>(c - 'a' + 'A');
    else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) mapped = '_';
    if (out.empty() && mapped == '_') continue;
    out.push_back(mapped);
  }
  return out;
}

std::map<std::string, std::string> log_extra_attributes(const LogAttributeOptions& options,
                                                        const std::map<std::string, std::string>& labels,
                                                        const std::vector<std::string>& env, AttributeKeys keys) {
  std::map<std::string, std::string> out;
  const auto put = [&](const std::string& key, const std::string& value) {
    if (keys == AttributeKeys::as_named) {
      out[key] = value;
      return;
    }
    const std::string field = journald_field_name(key);
    if (journal_field_valid(field)) out[field] = value;
  };
  for (const auto& key : options.labels) {
    if (const auto it = labels.find(key); it != labels.end()) put(it->first, it->second);
  }
  if (const auto re = compile(options.labels_regex)) {
    for (const auto& [key, value] : labels) {
      if (std::regex_search(key, *re)) put(key, value);
    }
  }
  std::map<std::string, std::string> variables;
  for (const auto& e : env) {
    if (const auto eq = e.find('='); eq != std::string::npos) variables[e.substr(0, eq)] = e.substr(eq + 1);
  }
  for (const auto& key : options.env) {
    if (const auto it = variables.find(key); it != variables.end()) put(it->first, it->second);
  }
  if (const auto re = compile(options.env_regex)) {
    for (const auto& [key, value] : variables) {
      if (std::regex_search(key, *re)) put(key, value);
    }
  }
  return out;
}

}  // namespace berth::model
