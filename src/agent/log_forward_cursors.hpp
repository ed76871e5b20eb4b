// The log forwarder's cursors: per stream, where its next unacknowledged event is stored in the
// local log store, kept in one small JSON file (<data-dir>/cloudwatch-logs-forward.json, mode
// 0600) written atomically (tmp + fsync + rename) and only when a cursor moved, so an idle
// gateway writes nothing. The file names the endpoint it was written for: cursors of another
// endpoint are not used (that one has none of the events). Not thread-safe (the forwarder's
// thread owns it).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "common/result.hpp"
#include "store/log_store.hpp"

namespace berth::agent {

struct ForwardCursor {
  EpochMs group_created = 0;  // a group made again under the same name starts over
  store::LogPosition next;    // the stream's events stored at or after this are not yet acknowledged
  bool operator==(const ForwardCursor&) const = default;
};

class ForwardCursors {
 public:
  using Key = std::pair<std::string, std::string>;  // group, stream

  // Reads the cursors `path` holds for `endpoint`; a missing file is none, a malformed one (or
  // one for another endpoint) is none too, and logged.
  static ForwardCursors load(std::string path, std::string endpoint);

  // The stream's cursor, if any.
  std::optional<ForwardCursor> find(const Key& key) const;
  void set(const Key& key, const ForwardCursor& cursor);
  // Forgets the cursors `keep` says no to (streams gone with their group).
  template <class Keep>
  void keep_only(Keep keep) {
    std::erase_if(m_cursors, [&](const auto& entry) {
      const bool drop = !keep(entry.first);
      m_changed = m_changed || drop;
      return drop;
    });
  }
  std::size_t size() const { return m_cursors.size(); }

  // Writes the file if a cursor changed since the last save (or load); ServerException if it
  // cannot be written (the cursors stay marked changed and are written at the next save).
  [[nodiscard]] Result<void> save();

 private:
  ForwardCursors(std::string path, std::string endpoint) : m_path(std::move(path)), m_endpoint(std::move(endpoint)) {}

  std::string m_path;
  std::string m_endpoint;
  std::map<Key, ForwardCursor> m_cursors;
  bool m_changed = false;
};

}  // namespace berth::agent
