#include "svc/poll_answerer.hpp"

#include <algorithm>
#include <exception>

#include "common/log.hpp"
#include "svc/instance_poll.hpp"

namespace berth::svc {
namespace {

// The longest sleep between passes: bounds how late a deadline is seen when the clock jumps.
constexpr auto k_max_sleep = std::chrono::milliseconds(1000);

}  // namespace

void PollAnswerer::start() {
  m_thread = std::thread([this] {
    ParkedPolls& parked = m_ctx.remote_agents->parked();
    while (true) {
      const std::uint64_t parks = parked.parks();
      pass();
      if (parked.closed() && parked.size() == 0) return;
      auto sleep = k_max_sleep;
      if (const auto next = parked.next_deadline()) {
        sleep = std::clamp(std::chrono::milliseconds(*next - m_ctx.clock.now_ms()), std::chrono::milliseconds(0),
                           k_max_sleep);
      }
      parked.wait_for_news(parks, sleep);
    }
  });
}

void PollAnswerer::stop() {
  if (m_ctx.remote_agents) m_ctx.remote_agents->close();
  if (m_thread.joinable()) m_thread.join();
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
