#include "svc/scheduler_context.hpp"

#include "svc/scheduler_leadership.hpp"

namespace berth::svc {

std::optional<Context> acting_context(const Context& ctx) {
  std::optional<Context> acting(ctx);
  if (!ctx.leadership) return acting;
  acting->leader_term = ctx.leadership->term();
  if (!acting->leader_term) return std::nullopt;
  return acting;
}

bool SchedulerContext::begin(bool& new_term) {
  m_pass.reset();  // a Context holds references: emplaced, never assigned
  auto acting = acting_context(m_base);
  if (!acting) return false;
  new_term = acting->leader_term != m_term;
  m_term = acting->leader_term;
  m_pass.emplace(std::move(*acting));
  return true;
}

}  // namespace berth::svc
