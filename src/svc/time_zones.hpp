// The time zones ScheduleExpressionTimezone names, read from the TZif files tzdata installs.
// Each file is read once: zones change only with a tzdata upgrade, which a restart picks up.
// Thread-safe (request threads and the schedule runner share one); the cache holds at most the
// zones that exist under the directory (about 600 in tzdata), as only files that parse are kept.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "sched/time_zone.hpp"

namespace berth::svc {

class TimeZoneLibrary {
 public:
  explicit TimeZoneLibrary(std::string zoneinfo_dir) : m_zoneinfo_dir(std::move(zoneinfo_dir)) {}

  // Returns the zone `name` names ("UTC", "Europe/Berlin"), or InvalidParameterException for a
  // malformed name or one with no readable zone file.
  [[nodiscard]] Result<std::shared_ptr<const sched::TimeZone>> named(const std::string& name);

 private:
  const std::string m_zoneinfo_dir;
  Mutex m_mutex;
  std::map<std::string, std::shared_ptr<const sched::TimeZone>> m_zones BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth::svc
