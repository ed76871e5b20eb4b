#include "svc/scheduler_leadership.hpp"

#include <chrono>

#include "common/log.hpp"

namespace berth::svc {
namespace {

// A sole gateway's acquisition races only with itself (its previous run's row): a few attempts.
constexpr int k_sole_attempts = 5;

}  // namespace

Result<void> check_leadership_settings(const LeadershipSettings& s) {
  if (s.sole) return {};
  if (s.renew_every_ms <= 0 || s.margin_ms < 0 || s.renew_every_ms >= s.takeover_after_ms - s.margin_ms) {
    return fail(Code::client, "scheduler leadership: the renewal interval (" + std::to_string(s.renew_every_ms) +
                                  " ms) must be positive and shorter than the takeover time (" +
                                  std::to_string(s.takeover_after_ms) + " ms) less the margin (" +
                                  std::to_string(s.margin_ms) + " ms)");
  }
  return {};
}

SchedulerLeadership::SchedulerLeadership(store::Store& store, const Clock& clock, std::string server_id,
                                         LeadershipSettings settings, Listener on_change)
    : m_store(store),
      m_clock(clock),
      m_server_id(std::move(server_id)),
      m_settings(settings),
      m_on_change(std::move(on_change)) {}

Result<void> SchedulerLeadership::start() {
  BERTH_TRY(check_leadership_settings(m_settings));
  if (m_server_id.empty()) return fail(Code::client, "scheduler leadership: the server id is empty");
  m_started = true;
  if (m_settings.sole) {
    for (int attempt = 0; attempt < k_sole_attempts; ++attempt) {
      const EpochMs began = m_clock.now_ms();
      BERTH_ASSIGN(const auto row, m_store.leadership());
      BERTH_ASSIGN(const bool taken, take(row, began));
      if (taken) return {};
    }
    return fail(Code::server, "scheduler leadership: the row kept changing while this gateway took it");
  }
  tick();
  m_worker.start("scheduler leadership", std::chrono::milliseconds(m_settings.renew_every_ms), [this] { tick(); });
  return {};
}

void SchedulerLeadership::stop() {
  m_worker.stop();
  std::optional<std::int64_t> held;
  {
    MutexLock lock(m_mutex);
    held = m_term;
    m_term.reset();
  }
  if (!held) return;
  notify(std::nullopt);  // the schedulers stop before the row is given up
  if (auto released = m_store.release_leadership(m_server_id, *held); !released) {
    log_warn("scheduler leadership: term " + std::to_string(*held) + " not released (" + released.error().message +
             "); a candidate takes over once it has seen the row unchanged long enough");
  }
}

std::optional<std::int64_t> SchedulerLeadership::term() const {
  MutexLock lock(m_mutex);
  if (!m_term) return std::nullopt;
  if (!m_settings.sole && m_clock.now_ms() - m_renewed_at >= m_settings.takeover_after_ms - m_settings.margin_ms) {
    return std::nullopt;
  }
  return m_term;
}

void SchedulerLeadership::tick() {
  const EpochMs began = m_clock.now_ms();
  std::optional<std::int64_t> held;
  EpochMs renewed_at = 0;
  {
    MutexLock lock(m_mutex);
    held = m_term;
    renewed_at = m_renewed_at;
  }
  if (held) {
    if (m_settings.sole) return;  // held forever: nothing to renew
    const auto renewed = m_store.renew_leadership(m_server_id, *held);
    if (renewed && *renewed) {
      MutexLock lock(m_mutex);
      m_renewed_at = began;
      return;
    }
    if (renewed) return drop("term " + std::to_string(*held) + " moved to another server");
    // The store did not answer: the holder leads on until it must give up (term() already says
    // nothing by then), then stops, as a candidate may take over soon after.
    if (m_clock.now_ms() - renewed_at >= m_settings.takeover_after_ms - m_settings.margin_ms) {
      return drop("term " + std::to_string(*held) + " not renewed for " +
                  std::to_string(m_clock.now_ms() - renewed_at) + " ms: " + renewed.error().message);
    }
    return;
  }
  auto row = m_store.leadership();
  if (!row) {
    // A candidate that cannot read keeps what it saw: the row's version cannot come back, so an
    // unchanged row read later was unchanged all along.
    return;
  }
  // Free (never held, or released), or this server's own from before (an earlier term of this
  // process, or its previous run): nobody else acts under it, so it is taken at once.
  const bool free = row->holder.empty() || row->holder == m_server_id;
  if (!free) {
    if (!m_seen || *m_seen != *row) {
      m_seen = *row;
      m_seen_at = began;
      return;
    }
    if (began - m_seen_at < m_settings.takeover_after_ms) return;
  }
  const auto taken = take(*row, began);
  if (!taken) {
    log_warn("scheduler leadership: taking term " + std::to_string(row->term + 1) + " failed: " + taken.error().message);
    return;
  }
  if (!*taken) m_seen.reset();  // another write came first: look again next round
}

Result<bool> SchedulerLeadership::take(const store::Leadership& seen, EpochMs began) {
  BERTH_ASSIGN(const auto won, m_store.acquire_leadership(m_server_id, seen));
  if (!won) return false;
  {
    MutexLock lock(m_mutex);
    m_term = won->term;
    m_renewed_at = began;
  }
  m_seen.reset();
  log_info("scheduler leadership: this server (" + m_server_id + ") leads the schedulers, term " +
           std::to_string(won->term) + (seen.holder.empty() || seen.holder == m_server_id ? "" : ", after " + seen.holder));
  notify(won->term);
  return true;
}

void SchedulerLeadership::drop(const std::string& why) {
  {
    MutexLock lock(m_mutex);
    m_term.reset();
  }
  log_warn("scheduler leadership: this server (" + m_server_id + ") stops leading the schedulers: " + why);
  notify(std::nullopt);
}

void SchedulerLeadership::notify(std::optional<std::int64_t> term) {
  if (m_on_change) m_on_change(term);
}

}  // namespace berth::svc
