#include "cli/json_text.hpp"

#include "cli/relative_time.hpp"

namespace berth::cli {
namespace {

constexpr int k_max_depth = 32;

bool is_time_key(const std::string& key) {
  return key.size() > 2 && (key.ends_with("At") || key.ends_with("Date") || key == "NextInvocation" ||
                            key == "ScheduledTime");
}

std::string scalar(const std::string& key, const model::Json& value, EpochMs now) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() && is_time_key(key)) {
    const model::Json holder{{"t", value}};
    if (const auto at = timestamp_member(holder, "t")) return utc_time(*at) + " (" + relative_time(at, now) + ")";
  }
  return value.dump();
}

bool is_leaf(const model::Json& value) {
  return !(value.is_object() || value.is_array()) || value.empty();
}

void append(std::string& out, const model::Json& value, int depth, EpochMs now);

// One member or item: on its line when a leaf, else a header and the nested lines below.
void append_entry(std::string& out, const std::string& lead, const std::string& key, const model::Json& value,
                  int depth, EpochMs now) {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  if (is_leaf(value)) {
    const std::string text = value.is_object() ? "{}" : value.is_array() ? "[]" : scalar(key, value, now);
    out += indent + lead + text + "\n";
    return;
  }
  out += indent + lead.substr(0, lead.size() - 1) + "\n";  // no trailing space
  append(out, value, depth + 1, now);
}

void append(std::string& out, const model::Json& value, int depth, EpochMs now) {
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  if (depth > k_max_depth) {
    out += indent + value.dump() + "\n";
    return;
  }
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) append_entry(out, key + ": ", key, member, depth, now);
  } else if (value.is_array()) {
    for (const auto& item : value) append_entry(out, "- ", "", item, depth, now);
  } else {
    out += indent + scalar("", value, now) + "\n";
  }
}

}  // namespace

std::string format_json_text(const model::Json& value, EpochMs now) {
  std::string out;
  append(out, value, 0, now);
  return out;
}

}  // namespace berth::cli
