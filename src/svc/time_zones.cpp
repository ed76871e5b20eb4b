#include "svc/time_zones.hpp"

#include "common/files.hpp"

namespace berth::svc {

Result<std::shared_ptr<const sched::TimeZone>> TimeZoneLibrary::named(const std::string& name) {
  if (name == "UTC" || name == "Etc/UTC") return std::make_shared<const sched::TimeZone>(sched::TimeZone::utc());
  const auto invalid = [&name] { return fail(Code::invalid_parameter, "Invalid time zone '" + name + "'."); };
  if (!sched::is_valid_zone_name(name)) return invalid();
  MutexLock lock(m_mutex);
  if (const auto it = m_zones.find(name); it != m_zones.end()) return it->second;
  auto bytes = read_file(m_zoneinfo_dir + "/" + name);
  if (!bytes) return invalid();
  auto zone = sched::TimeZone::from_tzif(*bytes);
  if (!zone) return invalid();
  auto shared = std::make_shared<const sched::TimeZone>(std::move(*zone));
  m_zones.emplace(name, shared);
  return shared;
}

}  // namespace berth::svc
