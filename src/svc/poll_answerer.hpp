// The thread that answers parked long polls (svc/parked_polls.hpp): it sleeps until the nearest
// deadline or a change that wakes a poll, reads the due polls' replies from the store and hands
// each to its poll's handler (which queues it for the API's event loop to write). One thread for
// all of them: a parked poll costs no API worker. start/stop are thread-safe; pass() runs on the
// answerer's thread (or a test's).
#pragma once

#include <thread>

#include "svc/context.hpp"
#include "svc/remote_agents.hpp"

namespace berth::svc {

class PollAnswerer {
 public:
  // `ctx.remote_agents` must be set and outlive the answerer, as must the store.
  explicit PollAnswerer(Context& ctx) : m_ctx(ctx) {}
  ~PollAnswerer() { stop(); }
  PollAnswerer(const PollAnswerer&) = delete;
  PollAnswerer& operator=(const PollAnswerer&) = delete;

  void start();
  // Closes the parked polls (RemoteAgents::close), answers them all, joins the thread. Idempotent.
  void stop();

  // Answers (or parks again) the polls due now; returns how many were taken.
  std::size_t pass();

 private:
  Context& m_ctx;
  std::thread m_thread;
};

}  // namespace berth::svc
