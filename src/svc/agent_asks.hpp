// The serving gateway's open asks of joined gateways' agents (in memory): a caller opens an ask
// of an instance, the instance's next poll lists it, its agent answers with a Submit... call, and
// the caller waits for the answer with a bound. At most `max_open` asks at once (each caller
// holds an API worker while it waits). Log asks are listed by every poll until answered (the
// agent answers on its poll thread before polling again); command asks are listed once (the
// agent runs them while it goes on polling). Thread-safe; members of RemoteAgents.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/ids.hpp"
#include "common/thread_annotations.hpp"

namespace berth::svc {

enum class Listing { until_answered, once };

template <class Question, class Answer>
class AgentAsks {
 public:
  AgentAsks(std::size_t max_open, Listing listing) : m_max_open(max_open), m_listing(listing) {}

  std::size_t max_open() const { return m_max_open; }

  // Opens an ask of `instance_id`'s agent; returns its id, or nothing when max_open asks are open.
  std::optional<std::string> ask(const std::string& instance_id, Question question) {
    MutexLock lock(m_mutex);
    if (m_open.size() >= m_max_open || m_closed) return std::nullopt;
    std::string id = random_hex(8);
    m_open[id] = Ask{instance_id, std::move(question), false, std::nullopt};
    return id;
  }

  // The asks of `instance_id` a poll lists now, by id (Listing::once: marked taken).
  std::vector<std::pair<std::string, Question>> asked_of(const std::string& instance_id) {
    MutexLock lock(m_mutex);
    std::vector<std::pair<std::string, Question>> out;
    for (auto& [id, ask] : m_open) {
      if (ask.instance_id != instance_id || ask.answer || (m_listing == Listing::once && ask.taken)) continue;
      ask.taken = true;
      out.emplace_back(id, ask.question);
    }
    if (!out.empty()) m_changed.notify_all();
    return out;
  }

  // Records `instance_id`'s answer to ask `id`, after `keep(question, answer)` (which may trim it
  // to what was asked); false when it has no such open ask.
  template <class Keep>
  bool answer(const std::string& instance_id, const std::string& id, Answer answer, Keep keep) {
    {
      MutexLock lock(m_mutex);
      const auto it = m_open.find(id);
      if (it == m_open.end() || it->second.instance_id != instance_id || it->second.answer) return false;
      keep(it->second.question, answer);
      it->second.answer = std::move(answer);
    }
    m_changed.notify_all();
    return true;
  }

  // Waits for the answer to ask `id` and closes the ask: up to `pickup` for a poll to list it,
  // up to `total` in all; nothing if no answer came (or the server stops).
  std::optional<Answer> wait(const std::string& id, std::chrono::milliseconds pickup, std::chrono::milliseconds total) {
    MutexLock lock(m_mutex);
    const auto start = std::chrono::steady_clock::now();
    while (true) {
      const auto it = m_open.find(id);
      if (it == m_open.end()) return std::nullopt;
      const auto deadline = start + (it->second.taken ? total : pickup);
      if (it->second.answer || m_closed || std::chrono::steady_clock::now() >= deadline) {
        auto answer = std::move(it->second.answer);
        m_open.erase(it);
        return answer;
      }
      (void)lock.wait_until(m_changed, deadline);
    }
  }

  // Ends every wait (the server stops).
  void close() {
    {
      MutexLock lock(m_mutex);
      m_closed = true;
    }
    m_changed.notify_all();
  }

 private:
  struct Ask {
    std::string instance_id;
    Question question;
    bool taken = false;  // a poll listed it
    std::optional<Answer> answer;
  };
  const std::size_t m_max_open;
  const Listing m_listing;
  mutable Mutex m_mutex;
  std::condition_variable m_changed;  // an ask was taken or answered, or close()
  std::map<std::string, Ask> m_open BERTH_GUARDED_BY(m_mutex);  // by id
  bool m_closed BERTH_GUARDED_BY(m_mutex) = false;
};

}  // namespace berth::svc
