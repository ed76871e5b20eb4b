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
  if (s.check_every_ms <= 0 || s.check_every_ms >= s.valid_for_ms) {
    return fail(Code::client, "scheduler leadership: the check interval (" + std::to_string(s.check_every_ms) +
                                  " ms) must be positive and shorter than the time a confirmation stays valid (" +
                                  std::to_string(s.valid_for_ms) + " ms)");
  }
  return {};
}

SchedulerLeadership::SchedulerLeadership(store::Store& store, const Clock& clock, std::string server_id,
                                         LeadershipSettings settings, LeadershipLease lease, Listener on_change)
    : m_store(store),
      m_clock(clock),
      m_server_id(std::move(server_id)),
      m_settings(settings),
      m_lease(std::move(lease)),
      m_on_change(std::move(on_change)) {}

Result<void> SchedulerLeadership::start() {
  BERTH_TRY(check_leadership_settings(m_settings));
  if (m_server_id.empty()) return fail(Code::client, "scheduler leadership: the server id is empty");
  if (!m_settings.sole && !m_lease) return fail(Code::client, "scheduler leadership: no lease to lead by");
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
  m_worker.start("scheduler leadership", std::chrono::milliseconds(m_settings.check_every_ms), [this] { tick(); });
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
             "); the next server to lead takes it over all the same");
  }
}

std::optional<std::int64_t> SchedulerLeadership::term() const {
  MutexLock lock(m_mutex);
  if (!m_term) return std::nullopt;
  if (!m_settings.sole && m_clock.now_ms() - m_confirmed_at >= m_settings.valid_for_ms) return std::nullopt;
  return m_term;
}

void SchedulerLeadership::tick() {
  if (m_settings.sole) return;  // held forever: nothing to check
  const EpochMs began = m_clock.now_ms();
  std::optional<std::int64_t> held;
  EpochMs confirmed_at = 0;
  {
    MutexLock lock(m_mutex);
    held = m_term;
    confirmed_at = m_confirmed_at;
  }
  // A holder that could not confirm its term (the node or the store did not answer) leads on
  // until the confirmation runs out (term() already says nothing by then), then stops.
  const auto unconfirmed = [&](const Error& error) {
    if (held && m_clock.now_ms() - confirmed_at >= m_settings.valid_for_ms) {
      drop("term " + std::to_string(*held) + " not confirmed for " + std::to_string(m_clock.now_ms() - confirmed_at) +
           " ms: " + error.message);
    }
  };
  const auto leads = m_lease();
  if (!leads) return unconfirmed(leads.error());
  if (!*leads) {
    if (held) drop("its consensus node no longer leads the control plane");
    return;
  }
  const auto row = m_store.leadership();
  if (!row) return unconfirmed(row.error());
  if (held && row->holder == m_server_id && row->term == *held) {
    MutexLock lock(m_mutex);
    m_confirmed_at = began;
    return;
  }
  if (held) drop("term " + std::to_string(*held) + " moved to term " + std::to_string(row->term));
  // The lease is this server's: whoever holds the row (a server whose node led before, this
  // server's previous run, nobody) is taken over at once. A former holder still acting writes
  // nothing from now on: its term no longer stands.
  const auto taken = take(*row, began);
  if (!taken) {
    log_warn("scheduler leadership: taking term " + std::to_string(row->term + 1) + " failed: " + taken.error().message);
  }
  // Not taken: another write came first (a server whose node led a moment ago); the next round looks again.
}

Result<bool> SchedulerLeadership::take(const store::Leadership& seen, EpochMs began) {
  BERTH_ASSIGN(const auto won, m_store.acquire_leadership(m_server_id, seen));
  if (!won) return false;
  {
    MutexLock lock(m_mutex);
    m_term = won->term;
    m_confirmed_at = began;
  }
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
