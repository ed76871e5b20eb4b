#include "svc/metrics_recorder.hpp"

namespace berth::svc {

void record_samples(Context& ctx, const std::vector<model::ContainerSample>& samples, EpochMs now) {
  (void)now;  // the derived metrics are stamped with it
  if (!ctx.metrics) return;
  ctx.metrics->record_containers(samples);
}

}  // namespace berth::svc
