// The long polls (BerthCluster.PollInstanceTasks) parked on the serving gateway: each waits, off
// every thread, for its instance's desired state to change or its wait to end. Parking holds no
// thread and no reply (only the poll's identity and how to answer it), so a thousand joined
// agents cost a thousand small entries. At most `max` are parked at once. The answerer
// (svc/poll_answerer.hpp) takes the polls that are due, reads their replies and answers them.
// Times are the Clock's (EpochMs), so tests drive expiry with a fake one. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "model/instance_poll.hpp"

namespace berth::svc {

// Answers one poll; called once, on any thread (the reply is then written by the API's loop).
using PollReplyHandler = std::function<void(Result<model::PollInstanceTasksReply>)>;

struct ParkedPoll {
  std::string cluster;
  std::string instance_id;
  std::string cursor;   // what the agent acts on: the poll is answered when the reply's differs
  EpochMs deadline = 0;  // answered then, whatever the state
  PollReplyHandler answer;
  bool accept_unchanged = false;  // the agent takes an "unchanged" reply (model/instance_poll.hpp)
};

class ParkedPolls {
 public:
  explicit ParkedPolls(std::size_t max) : m_max(max) {}

  enum class Park { parked, full, closed };
  // Parks `poll` until its deadline or a change of its instance. `full` when `max` are parked,
  // `closed` after close(): the poll is not kept (the caller answers it now). `changes_seen`: the
  // changes() the caller read before it looked at the instance's state; if a change was announced
  // since, the poll is parked already woken (the announcement came before it was parked, and
  // would otherwise be lost until the deadline).
  [[nodiscard]] Park park(ParkedPoll poll, std::uint64_t changes_seen);
  // How many changes were announced (changed, changed_all) so far.
  std::uint64_t changes() const;

  // The desired state of `instance_id` (or of any instance) may have changed: its parked polls
  // are due for another look.
  void changed(const std::string& instance_id);
  void changed_all();

  struct Due {
    ParkedPoll poll;
    bool expired = false;  // its deadline passed (else: woken by a change)
  };
  // Takes out the polls due at `now`: those past their deadline, and those a change woke; after
  // close(), every one (as expired).
  std::vector<Due> take_due(EpochMs now);
  // The earliest deadline of a parked poll, if any is parked.
  std::optional<EpochMs> next_deadline() const;
  // How many polls were ever parked: the answerer reads it before take_due().
  std::uint64_t parks() const;
  // Waits until a change wakes a parked poll, a poll is parked after `parks_seen` (its deadline
  // may be the nearest), close() is called or `timeout` passes.
  void wait_for_news(std::uint64_t parks_seen, std::chrono::milliseconds timeout);

  // Refuses later polls and makes every parked one due (the server stops: each is answered now).
  void close();
  bool closed() const;
  std::size_t size() const;
  std::size_t max() const { return m_max; }

 private:
  struct Entry {
    ParkedPoll poll;
    bool woken = false;
  };
  const std::size_t m_max;
  mutable Mutex m_mutex;
  std::condition_variable m_news;
  std::uint64_t m_next_id BERTH_GUARDED_BY(m_mutex) = 0;
  std::uint64_t m_changes BERTH_GUARDED_BY(m_mutex) = 0;
  std::unordered_map<std::uint64_t, Entry> m_entries BERTH_GUARDED_BY(m_mutex);
  std::unordered_multimap<std::string, std::uint64_t> m_by_instance BERTH_GUARDED_BY(m_mutex);
  std::multimap<EpochMs, std::uint64_t> m_by_deadline BERTH_GUARDED_BY(m_mutex);
  std::vector<std::uint64_t> m_woken BERTH_GUARDED_BY(m_mutex);  // ids with Entry::woken set
  bool m_closed BERTH_GUARDED_BY(m_mutex) = false;

  // Removes entry `id` from the indexes and returns its poll. REQUIRES: m_mutex held, id present.
  ParkedPoll remove(std::uint64_t id) BERTH_REQUIRES(m_mutex);
};

}  // namespace berth::svc
