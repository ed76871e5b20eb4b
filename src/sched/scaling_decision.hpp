// What Application Auto Scaling's policies decide for one scalable target, and the rules every
// kind of policy shares: bounds, cooldowns, and how the decisions of several policies combine
// (scale out if any policy says so, to the largest capacity asked for). Pure: time is a
// parameter; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berth::sched {

// A scalable target's capacity now and its bounds (MinCapacity, MaxCapacity).
struct Capacity {
  int current = 0;
  int min = 0;
  int max = 0;
};

// What the target's previous dynamic scaling did, for the cooldowns (times in epoch ms).
struct ScalingHistory {
  std::optional<std::int64_t> last_scale_out_at;
  int scale_out_from = 0;  // the capacity before that scale-out
  std::optional<std::int64_t> last_scale_in_at;
  // That scale-out could not be placed: no scale-out at all until its cooldown has passed.
  bool scale_out_failed = false;
};

// Which directions may act now: the target's SuspendedState, and a deployment in progress
// (which holds scale-in back, as ECS does).
struct ScalingAllowed {
  bool scale_out = true;
  bool scale_in = true;
};

enum class ScalingDirection { out, in };

struct ScalingDecision {
  int desired = 0;
  ScalingDirection direction = ScalingDirection::out;
  std::string policy;      // the policy whose proposal was taken
  std::string alarm;       // the alarm that triggered it (target tracking: AlarmHigh / AlarmLow)
  double metric = 0;       // the metric value it acted on
  double threshold = 0;    // the alarm's threshold
};

// Returns `value` moved into [min, max].
int clamp_capacity(int value, const Capacity& capacity);

// The capacity a scale-out proposal is computed from: the current one, or while the scale-out
// cooldown that began at history.last_scale_out_at runs, the capacity before that scale-out (the
// capacity it added counts as part of the next one, so a larger scale-out still happens and
// repeated alarms do not compound).
int scale_out_base(const Capacity& capacity, const ScalingHistory& history, std::int64_t cooldown_ms,
                   std::int64_t now_ms);

// Whether scale-out must wait: the last scale-out failed and its cooldown still runs.
bool scale_out_held(const ScalingHistory& history, std::int64_t cooldown_ms, std::int64_t now_ms);

// Whether a scale-in must wait: a scale-in cooldown since the last scale-in, or a scale-out
// cooldown since the last scale-out, still runs.
bool scale_in_cooling_down(const ScalingHistory& history, std::int64_t scale_in_cooldown_ms,
                           std::int64_t scale_out_cooldown_ms, std::int64_t now_ms);

// The decision of a set of proposals: the largest scale-out if any policy asks for one; else, when
// `scale_in_agreed` (every policy that may scale in asks to), the scale-in that keeps the most
// capacity. Nothing when no proposal changes the capacity.
std::optional<ScalingDecision> combine_decisions(const std::vector<ScalingDecision>& scale_outs,
                                                 const std::vector<ScalingDecision>& scale_ins, bool scale_in_agreed);

}  // namespace berth::sched
