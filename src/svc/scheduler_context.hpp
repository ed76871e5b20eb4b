// The context a scheduler's pass acts in, under the scheduler leadership (svc/scheduler_leadership.hpp):
// a copy of the scheduler's Context whose leader_term fences every write the pass makes, or no
// pass at all while another server leads.
#pragma once

#include <cstdint>
#include <optional>

#include "svc/context.hpp"

namespace berth::svc {

// `ctx` with leader_term set to its leadership's term, or nothing when another server leads (the
// pass does nothing). Without a leadership (ctx.leadership null: none configured, unit tests)
// `ctx` as it is: the pass acts, unfenced.
std::optional<Context> acting_context(const Context& ctx);

// A scheduler's contexts across its passes: the one it was built with, and the current pass's.
// The scheduler's thread alone.
class SchedulerContext {
 public:
  explicit SchedulerContext(Context& base) : m_base(base) {}

  // Begins a pass: false when another server leads (the pass does nothing). `new_term` is set
  // when the term differs from the last pass's (a new leader starts afresh: what the scheduler
  // remembers was seen under another).
  bool begin(bool& new_term);
  // The current pass's context (outside a pass, the one it was built with).
  Context& ctx() { return m_pass ? *m_pass : m_base; }
  const Context& ctx() const { return m_pass ? *m_pass : m_base; }

 private:
  Context& m_base;
  std::optional<Context> m_pass;
  std::optional<std::int64_t> m_term;
};

}  // namespace berth::svc
