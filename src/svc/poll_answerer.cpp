#include "svc/poll_answerer.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include "common/log.hpp"
#include "svc/instance_poll.hpp"

namespace berth::svc {
namespace {

// The longest sleep between passes: bounds how late a deadline is seen when the clock jumps.
constexpr auto k_max_sleep = std::chrono::milliseconds(1000);
// How often the database's change count is read while polls are parked (watch_other_servers):
// how late a joined agent polling this server hears of another server's write.
constexpr auto k_watch_interval = std::chrono::milliseconds(250);

}  // namespace

void PollAnswerer::start() {
  m_thread = std::thread([this] {
    ParkedPolls& parked = m_ctx.remote_agents->parked();
    // The loop also wakes for this server's own announcements (many while tasks change): the
    // change count is read at most once per k_watch_interval, not at each of them.
    auto last_look = std::chrono::steady_clock::time_point{};
    while (true) {
      const std::uint64_t parks = parked.parks();
      if (const auto now = std::chrono::steady_clock::now(); now - last_look >= k_watch_interval) {
        look_for_other_servers_writes();
        last_look = now;
      }
      pass();
      if (parked.closed() && parked.size() == 0) return;
      auto sleep = m_watch_other_servers ? k_watch_interval : k_max_sleep;
      if (const auto next = parked.next_deadline()) {
        sleep = std::clamp(std::chrono::milliseconds(*next - m_ctx.clock.now_ms()), std::chrono::milliseconds(0),
                           sleep);
      }
      parked.wait_for_news(parks, sleep);
    }
  });
}

void PollAnswerer::stop() {
  if (m_ctx.remote_agents) m_ctx.remote_agents->close();
  if (m_thread.joinable()) m_thread.join();
}

void PollAnswerer::look_for_other_servers_writes() {
  if (!m_watch_other_servers) return;
  ParkedPolls& parked = m_ctx.remote_agents->parked();
  if (parked.size() == 0) {
    m_seen_changes.reset();  // nobody waits: nothing read, and the next parked poll read its state itself
    return;
  }
  // The first look after a time with nothing parked wakes them too: a write may have come between
  // a poll's own read of its state and this look.
  const std::int64_t changes = m_ctx.store.change_count();
  if (!m_seen_changes || *m_seen_changes != changes) parked.changed_all();
  m_seen_changes = changes;
}

std::size_t PollAnswerer::pass() {
  auto due = m_ctx.remote_agents->parked().take_due(m_ctx.clock.now_ms());
  for (auto& poll : due) {
    try {
      answer_parked_poll(m_ctx, std::move(poll));
    } catch (const std::exception& e) {
      // Only allocation can throw here; the poll's connection then waits out the API's backstop.
      log_error(std::string("answering a parked poll: ") + e.what());
    }
  }
  return due.size();
}

}  // namespace berth::svc
