#include "sched/scaling_decision.hpp"

#include <algorithm>

namespace berth::sched {

int clamp_capacity(int value, const Capacity& capacity) { return std::clamp(value, capacity.min, std::max(capacity.min, capacity.max)); }

int scale_out_base(const Capacity& capacity, const ScalingHistory& history, std::int64_t cooldown_ms,
                   std::int64_t now_ms) {
  if (history.last_scale_out_at && now_ms < *history.last_scale_out_at + cooldown_ms) {
    return std::min(history.scale_out_from, capacity.current);
  }
  return capacity.current;
}

bool scale_out_held(const ScalingHistory& history, std::int64_t cooldown_ms, std::int64_t now_ms) {
  return history.scale_out_failed && history.last_scale_out_at && now_ms < *history.last_scale_out_at + cooldown_ms;
}

bool scale_in_cooling_down(const ScalingHistory& history, std::int64_t scale_in_cooldown_ms,
                           std::int64_t scale_out_cooldown_ms, std::int64_t now_ms) {
  if (history.last_scale_in_at && now_ms < *history.last_scale_in_at + scale_in_cooldown_ms) return true;
  return history.last_scale_out_at && now_ms < *history.last_scale_out_at + scale_out_cooldown_ms;
}

std::optional<ScalingDecision> combine_decisions(const std::vector<ScalingDecision>& scale_outs,
                                                 const std::vector<ScalingDecision>& scale_ins, bool scale_in_agreed) {
  const auto by_desired = [](const ScalingDecision& a, const ScalingDecision& b) { return a.desired < b.desired; };
  if (!scale_outs.empty()) return *std::max_element(scale_outs.begin(), scale_outs.end(), by_desired);
  if (scale_in_agreed && !scale_ins.empty()) return *std::max_element(scale_ins.begin(), scale_ins.end(), by_desired);
  return std::nullopt;
}

}  // namespace berth::sched
