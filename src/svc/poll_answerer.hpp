// The thread that answers parked long polls (svc/parked_polls.hpp): it sleeps until the nearest
// deadline or a change that wakes a poll, reads the due polls' replies from the store and hands
// each to its poll's handler (which queues it for the API's event loop to write). One thread for
// all of them: a parked poll costs no API worker. start/stop are thread-safe; pass() runs on the
// answerer's thread (or a test's).
//
// On a replicated control plane another server's writes (a RunTask placed there, the scheduler
// leader's plans) announce nothing here: with `watch_other_servers` the answerer also reads the
// database's change count (Store::change_count, one read; none while no poll is parked) at most
// every k_watch_interval, and a move wakes every parked poll for another look at its cursor.
#pragma once

#include <cstdint>
#include <optional>
#include <thread>

#include "svc/context.hpp"
#include "svc/remote_agents.hpp"

namespace berth::svc {

class PollAnswerer {
 public:
  // `ctx.remote_agents` must be set and outlive the answerer, as must the store.
  explicit PollAnswerer(Context& ctx, bool watch_other_servers = false)
      : m_ctx(ctx), m_watch_other_servers(watch_other_servers) {}
  ~PollAnswerer() { stop(); }
  PollAnswerer(const PollAnswerer&) = delete;
  PollAnswerer& operator=(const PollAnswerer&) = delete;

  void start();
  // Closes the parked polls (RemoteAgents::close), answers them all, joins the thread. Idempotent.
  void stop();

  // Answers (or parks again) the polls due now; returns how many were taken.
  std::size_t pass();
  // With watch_other_servers: wakes every parked poll if the database changed since the last
  // look, or at the first look after a time with none parked. Runs on the answerer's thread (or
  // a test's).
  void look_for_other_servers_writes();

 private:
  Context& m_ctx;
  const bool m_watch_other_servers;
  std::optional<std::int64_t> m_seen_changes;  // the answerer's thread only
  std::thread m_thread;
};

}  // namespace berth::svc
