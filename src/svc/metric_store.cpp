#include "svc/metric_store.hpp"

#include <algorithm>
#include <tuple>

namespace berth::svc {
namespace {

// Limits a ring can work with: a zero resolution or ring would divide by zero.
MetricStoreLimits usable(MetricStoreLimits limits) {
  limits.resolution_ms = std::max<EpochMs>(limits.resolution_ms, 1);
  limits.slots = std::max<std::size_t>(limits.slots, 1);
  return limits;
}

std::int64_t floor_div(EpochMs value, EpochMs divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

bool by_task_then_name(const ContainerReadings& a, const ContainerReadings& b) {
  return std::tie(a.latest.task_arn, a.latest.container_name) < std::tie(b.latest.task_arn, b.latest.container_name);
}

}  // namespace

MetricId normalized(MetricId id) {
  std::sort(id.dimensions.begin(), id.dimensions.end());
  return id;
}

MetricStore::MetricStore(MetricStoreLimits limits) : m_limits(usable(limits)) {}

std::size_t MetricStore::slot_bytes() { return sizeof(Slot); }

void MetricStore::record_containers(const std::vector<model::ContainerSample>& samples) {
  std::map<std::string, ContainerReadings> next;
  MutexLock lock(m_mutex);
  for (const auto& sample : samples) {
    ContainerReadings readings{sample, std::nullopt};
    if (auto known = m_containers.find(sample.runtime_id); known != m_containers.end()) {
      readings.previous = known->second.latest.stats;
    }
    next[sample.runtime_id] = std::move(readings);
  }
  m_containers = std::move(next);
}

void MetricStore::add(const MetricId& id, EpochMs at, double value, std::string_view unit) {
  const std::int64_t index = floor_div(at, m_limits.resolution_ms);
  const auto slots = static_cast<std::int64_t>(m_limits.slots);
  MutexLock lock(m_mutex);
  auto it = m_series.find(id);
  if (it == m_series.end()) {
    if (m_series.size() >= m_limits.max_series) {
      const auto victim = evictable(id, index);
      if (victim == m_series.end()) {
        ++m_dropped;
        return;
      }
      m_series.erase(victim);
    }
    it = m_series.emplace(id, Series{std::string(unit), std::vector<Slot>(m_limits.slots)}).first;
  }
  Slot& slot = it->second.ring[static_cast<std::size_t>(((index % slots) + slots) % slots)];
  if (slot.index > index) return;  // older than what the ring keeps there
  const auto v = static_cast<float>(value);
  if (slot.index < index) slot = Slot{index, v, v, v, 1};
  else {
    slot.sum += v;
    slot.minimum = std::min(slot.minimum, v);
    slot.maximum = std::max(slot.maximum, v);
    ++slot.count;
  }
  it->second.unit = std::string(unit);
  it->second.newest = std::max(it->second.newest, index);
}

std::map<MetricId, MetricStore::Series>::iterator MetricStore::evictable(const MetricId& id, std::int64_t index) {
  const auto slots = static_cast<std::int64_t>(m_limits.slots);
  auto oldest_insights = m_series.end();
  for (auto it = m_series.begin(); it != m_series.end(); ++it) {
    if (it->second.newest <= index - slots) return it;  // nothing of it is kept any more
    if (it->first.name_space == "ECS/ContainerInsights" &&
        (oldest_insights == m_series.end() || it->second.newest < oldest_insights->second.newest)) {
      oldest_insights = it;
    }
  }
  return id.name_space == "AWS/ECS" ? oldest_insights : m_series.end();
}

std::vector<ContainerReadings> MetricStore::containers() const {
  std::vector<ContainerReadings> out;
  {
    MutexLock lock(m_mutex);
    for (const auto& [id, readings] : m_containers) out.push_back(readings);
  }
  std::sort(out.begin(), out.end(), by_task_then_name);
  return out;
}

std::vector<ContainerReadings> MetricStore::task_containers(std::string_view task_arn) const {
  std::vector<ContainerReadings> out;
  {
    MutexLock lock(m_mutex);
    for (const auto& [id, readings] : m_containers) {
      if (readings.latest.task_arn == task_arn) out.push_back(readings);
    }
  }
  std::sort(out.begin(), out.end(), by_task_then_name);
  return out;
}

std::optional<ContainerReadings> MetricStore::container(std::string_view task_arn,
                                                        std::string_view container_name) const {
  MutexLock lock(m_mutex);
  for (const auto& [id, readings] : m_containers) {
    if (readings.latest.task_arn == task_arn && readings.latest.container_name == container_name) return readings;
  }
  return std::nullopt;
}

std::vector<Datapoint> MetricStore::statistics(const MetricId& id, EpochMs start, EpochMs end,
                                               EpochMs period_ms) const {
  std::vector<Datapoint> out;
  const EpochMs resolution = m_limits.resolution_ms;
  if (period_ms <= 0 || end <= start) return out;
  const std::int64_t slots_per_period = std::max<std::int64_t>(period_ms / resolution, 1);
  const std::int64_t first = floor_div(start, resolution);
  const std::int64_t last = floor_div(end - 1, resolution);  // inclusive
  MutexLock lock(m_mutex);
  const auto it = m_series.find(id);
  if (it == m_series.end()) return out;
  const Series& series = it->second;
  const auto ring = static_cast<std::int64_t>(series.ring.size());
  // Only the newest `ring` slots can still be there; older indexes are gone.
  const std::int64_t newest = series.newest;
  const std::int64_t from = std::max(first, newest - ring + 1);
  // Periods after the newest slot hold nothing either: a far-off EndTime costs no walk.
  const std::int64_t until = std::min(last, newest);
  // Periods that end before the oldest kept slot hold nothing: start at the one holding it.
  const std::int64_t skipped = from > first ? (from - first) / slots_per_period : 0;
  for (std::int64_t period_start = first + skipped * slots_per_period; period_start <= until;
       period_start += slots_per_period) {
    Datapoint point{period_start * resolution, 0, 0, 0, 0, series.unit};
    for (std::int64_t index = std::max(period_start, from); index < period_start + slots_per_period && index <= until;
         ++index) {
      const Slot& slot = series.ring[static_cast<std::size_t>(index % ring)];
      if (slot.index != index || slot.count == 0) continue;
      point.minimum = point.sample_count == 0 ? slot.minimum : std::min<double>(point.minimum, slot.minimum);
      point.maximum = point.sample_count == 0 ? slot.maximum : std::max<double>(point.maximum, slot.maximum);
      point.sum += slot.sum;
      point.sample_count += slot.count;
    }
    if (point.sample_count > 0) out.push_back(std::move(point));
  }
  return out;
}

std::vector<MetricId> MetricStore::metrics() const {
  std::vector<MetricId> out;
  MutexLock lock(m_mutex);
  for (const auto& [id, series] : m_series) out.push_back(id);
  return out;
}

std::size_t MetricStore::series_bytes() const {
  MutexLock lock(m_mutex);
  return m_series.size() * m_limits.slots * sizeof(Slot);
}

std::size_t MetricStore::dropped_values() const {
  MutexLock lock(m_mutex);
  return m_dropped;
}

}  // namespace berth::svc
