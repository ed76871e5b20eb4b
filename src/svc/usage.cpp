#include "svc/usage.hpp"

#include "model/cluster_snapshot_codec.hpp"

namespace berth::svc {

Result<Usage> usage_of(Context& ctx, const model::ContainerInstance& instance) {
  store::TaskQuery query;
  query.container_instance = instance.id;
  query.not_stopped = true;
  query.limit = 100000;
  BERTH_ASSIGN(auto tasks, ctx.store.list_tasks(query));
  Usage usage;
  for (const auto& t : tasks) {
    BERTH_ASSIGN(auto td, ctx.store.find_task_definition(t.family, t.revision));
    usage.add(model::task_state_of(t, td ? &*td : nullptr));
  }
  return usage;
}


Json remaining_resources(const model::ContainerInstance& instance, const Usage& usage) {
  const auto c = model::capacity_of(instance);
  const auto ports = [](const std::set<int>& a, const std::set<int>& b) {
    Json out = Json::array();
    std::set<int> all = a;
    all.insert(b.begin(), b.end());
    for (int p : all) out.push_back(std::to_string(p));
    return out;
  };
  const auto integer = [](const char* name, long long v) {
    return Json{{"name", name}, {"type", "INTEGER"}, {"doubleValue", 0.0}, {"longValue", 0}, {"integerValue", v}};
  };
  const auto set = [](const char* name, Json values) {
    return Json{{"name", name}, {"type", "STRINGSET"}, {"doubleValue", 0.0}, {"longValue", 0},
                {"integerValue", 0}, {"stringSetValue", values}};
  };
  Json out = Json::array({integer("CPU", c.cpu - usage.cpu), integer("MEMORY", c.memory - usage.memory),
                          set("PORTS", ports(c.reserved_tcp, usage.tcp_ports)),
                          set("PORTS_UDP", ports(c.reserved_udp, usage.udp_ports))});
  if (!c.gpu_ids.empty()) {
    Json free = Json::array();
    for (const auto& id : c.gpu_ids) {
      if (!usage.gpu_ids.contains(id)) free.push_back(id);
    }
    out.push_back(set("GPU", std::move(free)));
  }
  return out;
}

model::InstanceState state_of(const model::ContainerInstance& instance, const Usage& usage) {
  auto state = model::instance_state_of(instance);
  state.use = usage;
  return state;
}

}  // namespace berth::svc
