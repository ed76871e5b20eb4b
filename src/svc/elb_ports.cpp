#include "svc/elb_ports.hpp"

#include "svc/elb.hpp"

namespace berth::svc {

Result<void> check_listener_port_free(Context& ctx, int port) {
  const std::string instance = ctx.gateway->instance_id();
  store::TaskQuery query;
  query.not_stopped = true;
  query.limit = 100000;
  if (!instance.empty()) query.container_instance = instance;
  BERTH_ASSIGN(const auto tasks, ctx.store.list_tasks(query));
  for (const auto& task : tasks) {
    for (const auto& c : task.containers) {
      for (const auto& binding : c.network_bindings) {
        if (binding.value("hostPort", 0) != port || binding.value("protocol", "tcp") != "tcp") continue;
        return fail(Code::invalid_configuration_request,
                    "Port " + std::to_string(port) + " is held by task " + task.id + " (container " + c.name +
                        ") as a host port; a listener needs a port no task holds.");
      }
    }
  }
  return {};
}

std::set<int> listener_ports(Context& ctx) {
  std::set<int> out;
  auto records = ctx.store.list_elb_objects("listener");
  if (!records) return out;
  for (const auto& record : *records) {
    if (auto listener = model::listener_from_record(record)) out.insert(listener->port);
  }
  return out;
}

const model::ClusterSnapshot& with_listener_ports(Context& ctx, const model::ClusterSnapshot& snapshot,
                                                  model::ClusterSnapshot& scratch) {
  const std::set<int> ports = listener_ports(ctx);
  const std::string instance = ctx.gateway->instance_id();
  if (ports.empty() || instance.empty() || !snapshot.instance(instance)) return snapshot;
  scratch = snapshot;
  scratch.instance(instance)->capacity.reserved_tcp.insert(ports.begin(), ports.end());
  return scratch;
}

}  // namespace berth::svc
