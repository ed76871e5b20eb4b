#include "agent/log_forward_cursors.hpp"

#include <cerrno>

#include "common/files.hpp"
#include "common/log.hpp"
#include "model/json_parse.hpp"

namespace berth::agent {
namespace {

constexpr int k_version = 1;

// The unsigned integer `json[name]`, if it is one.
std::optional<std::uint64_t> unsigned_member(const model::Json& json, const char* name) {
  const auto it = json.find(name);
  if (it == json.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

std::optional<std::string> string_member(const model::Json& json, const char* name) {
  const auto it = json.find(name);
  if (it == json.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

ForwardCursors ForwardCursors::load(std::string path, std::string endpoint) {
  ForwardCursors out(std::move(path), std::move(endpoint));
  auto text = read_file(out.m_path);
  if (!text) {
    if (text.error().sys_errno != ENOENT) log_warn("log forwarder: " + text.error().message + "; starting from the oldest events");
    return out;
  }
  auto json = model::parse_json(*text, out.m_path);
  const auto* streams = json && json->is_object() && json->contains("streams") ? &(*json)["streams"] : nullptr;
  if (!streams || !streams->is_array() || unsigned_member(*json, "version") != std::uint64_t{k_version}) {
    log_warn("log forwarder: " + out.m_path + " is not a cursor file of this berth; starting from the oldest events");
    return out;
  }
  if (string_member(*json, "endpoint") != out.m_endpoint) {
    log_info("log forwarder: the cursors in " + out.m_path + " are for another endpoint; starting from the oldest events");
    out.m_changed = true;
    return out;
  }
  for (const auto& entry : *streams) {
    if (!entry.is_object()) continue;
    const auto group = string_member(entry, "group"), stream = string_member(entry, "stream");
    const auto created = unsigned_member(entry, "groupCreated"), seq = unsigned_member(entry, "seq"),
               offset = unsigned_member(entry, "offset");
    if (!group || !stream || !created || !seq || !offset || *created > static_cast<std::uint64_t>(INT64_MAX)) continue;
    out.m_cursors[{*group, *stream}] = ForwardCursor{static_cast<EpochMs>(*created), {*seq, *offset}};
  }
  return out;
}

std::optional<ForwardCursor> ForwardCursors::find(const Key& key) const {
  const auto it = m_cursors.find(key);
  if (it == m_cursors.end()) return std::nullopt;
  return it->second;
}

void ForwardCursors::set(const Key& key, const ForwardCursor& cursor) {
  auto [it, added] = m_cursors.try_emplace(key, cursor);
  if (!added && it->second == cursor) return;
  it->second = cursor;
  m_changed = true;
}

Result<void> ForwardCursors::save() {
  if (!m_changed) return {};
  model::Json streams = model::Json::array();
  for (const auto& [key, cursor] : m_cursors) {
    streams.push_back({{"group", key.first},
                       {"stream", key.second},
                       {"groupCreated", cursor.group_created},
                       {"seq", cursor.next.seq},
                       {"offset", cursor.next.offset}});
  }
  const model::Json file{{"version", k_version}, {"endpoint", m_endpoint}, {"streams", std::move(streams)}};
  BERTH_TRY(write_file_atomic(m_path, file.dump(-1, ' ', false, model::Json::error_handler_t::replace), 0600));
  m_changed = false;
  return {};
}

}  // namespace berth::agent
