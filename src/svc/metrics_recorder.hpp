// Takes the node sampler's readings into the metric store: the containers' readings as they are,
// and the metrics derived from them. Thread-safe (the store is).
#pragma once

#include <vector>

#include "model/container_stats.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Records `samples` (every running container of this node, read at `now`) in ctx.metrics; a
// no-op without a metric store.
void record_samples(Context& ctx, const std::vector<model::ContainerSample>& samples, EpochMs now);

}  // namespace berth::svc
