#include "cli/scheduler_leadership.hpp"

#include "common/log.hpp"

namespace berth::cli {

SchedulerLeadership::Step SchedulerLeadership::decide(bool running, const Result<bool>& leads) {
  const bool lead = leads.has_value() && *leads;
  if (lead && !running) return Step::start;
  if (!lead && running) return Step::stop;
  return Step::none;
}

void SchedulerLeadership::start() {
  m_worker.start("scheduler leadership", m_tick, [this] { check(); });
  m_worker.wake();
}

void SchedulerLeadership::stop() {
  m_worker.stop();
  if (m_running.exchange(false)) m_hooks.stop();
}

void SchedulerLeadership::check() {
  const auto leads = m_hooks.leads();
  const bool changed = leads.has_value() != m_last.has_value() || (leads && *leads != *m_last);
  if (changed && !leads) log_warn("scheduler leadership: this server's node does not answer: " + leads.error().message);
  m_last = leads;
  switch (decide(m_running.load(), leads)) {
    case Step::start:
      log_info("scheduler leadership: this server leads the control plane; starting the schedulers");
      m_hooks.start();
      m_running = true;
      break;
    case Step::stop:
      log_warn("scheduler leadership: this server no longer leads the control plane; stopping the schedulers");
      m_running = false;
      m_hooks.stop();
      break;
    case Step::none: break;
  }
}

}  // namespace berth::cli
