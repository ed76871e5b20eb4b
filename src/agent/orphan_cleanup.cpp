#include "agent/orphan_cleanup.hpp"

#include <set>
#include <string>

#include "agent/container_spec_builder.hpp"
#include "common/files.hpp"
#include "common/log.hpp"

namespace berth::agent {

void remove_orphans(runtime::Runtime& runtime, const std::vector<model::Task>& active, const std::string& data_dir,
                    const std::string& cgroup_parent) {
  std::set<std::string> live;
  for (const auto& t : active) {
    for (const auto& c : t.containers) live.insert(runtime_id_of(t.id, c.name));
  }
  std::set<std::string> left;  // tasks whose containers were left: "<task id>-<container name>"
  for (const auto& id : runtime.known_containers()) {
    if (!live.contains(id)) {
      log_info("removing leftover container " + id);
      auto ignored = runtime.remove(id);
      (void)ignored;
      left.insert(id.substr(0, id.find('-')));
    }
  }
  // Bridge tasks that outlived a restart keep the bridge routing to loopback: guard it now.
  if (auto ok = runtime.guard_prepared_tasks(); !ok) log_warn(ok.error().message);
  // Networks, namespaces and storage limits of tasks that stopped while berth was down, or whose
  // teardown failed earlier.
  std::set<std::string> active_ids;
  for (const auto& t : active) active_ids.insert(t.id);
  std::set<std::string> released;
  for (const auto& id : runtime.prepared_tasks()) {
    if (active_ids.contains(id)) continue;
    log_info("releasing the network, namespaces and storage limit of stopped task " + id);
    if (auto ok = runtime.cleanup_task(id, task_cgroup_of(cgroup_parent, id)); !ok) {
      log_warn("task " + id + ": cleanup: " + ok.error().message);
    }
    released.insert(id);
  }
  // What the removal of the left containers' tasks would have done after them (their cgroups
  // were busy until now).
  for (const auto& id : left) {
    if (active_ids.contains(id)) continue;
    if (!released.contains(id)) {
      if (auto ok = runtime.cleanup_task(id, task_cgroup_of(cgroup_parent, id)); !ok) log_warn("task " + id + ": cleanup: " + ok.error().message);
    }
    auto ignored = remove_all(data_dir + "/volumes/" + id);
    ignored = remove_all(data_dir + "/bundles/" + id + "-etc");
    (void)ignored;
  }
}

}  // namespace berth::agent
