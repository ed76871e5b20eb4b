#include "svc/elb_live_targets.hpp"

#include <arpa/inet.h>

#include <map>

#include "svc/service_scheduler.hpp"

namespace berth::svc {
namespace {

bool is_ipv4(const std::string& text) {
  in_addr address{};
  return ::inet_pton(AF_INET, text.c_str(), &address) == 1;
}

// The first address a task's bridge interface has ("" for host or none networking).
std::string task_address(const model::Task& task) {
  for (const auto& c : task.containers) {
    for (const auto& i : c.network_interfaces) {
      if (const std::string a = i.value("privateIpv4Address", ""); !a.empty()) return a;
    }
  }
  return "";
}

// Where a host port of a task goes: its own address and container port for a bridge task (the
// kernel's DNAT goes there directly; portmap's own DNAT would not apply after ours), the host's
// loopback and the host port for a host-network task.
std::optional<model::Endpoint> endpoint_of(const model::Task& task, const model::Json& binding) {
  const int host_port = binding.value("hostPort", 0);
  const int container_port = binding.value("containerPort", 0);
  if (host_port <= 0) return std::nullopt;
  const std::string address = task_address(task);
  if (address.empty()) return model::Endpoint{"127.0.0.1", host_port};
  return model::Endpoint{address, container_port};
}

// This gateway's tcp host ports and where each goes.
Result<std::map<int, model::Endpoint>> local_host_ports(Context& ctx) {
  store::TaskQuery query;
  query.not_stopped = true;
  query.limit = 100000;
  const std::string instance = ctx.gateway->instance_id();
  if (!instance.empty()) query.container_instance = instance;
  BERTH_ASSIGN(const auto tasks, ctx.store.list_tasks(query));
  std::map<int, model::Endpoint> out;
  for (const auto& task : tasks) {
    for (const auto& c : task.containers) {
      for (const auto& b : c.network_bindings) {
        if (b.value("protocol", "tcp") != "tcp") continue;
        if (auto e = endpoint_of(task, b)) out.emplace(b.value("hostPort", 0), *e);
      }
    }
  }
  return out;
}

}  // namespace

std::vector<ServiceLoadBalancer> service_load_balancers(const model::Json& load_balancers) {
  std::vector<ServiceLoadBalancer> out;
  if (!load_balancers.is_array()) return out;
  for (const auto& lb : load_balancers) {
    if (!lb.is_object()) continue;
    const auto arn = lb.find("targetGroupArn");
    const auto name = lb.find("containerName");
    const auto port = lb.find("containerPort");
    if (arn == lb.end() || !arn->is_string() || name == lb.end() || !name->is_string() || port == lb.end() ||
        !port->is_number_integer()) {
      continue;
    }
    out.push_back({arn->get<std::string>(), name->get<std::string>(), port->get<int>()});
  }
  return out;
}

Result<std::vector<LiveTarget>> live_targets(Context& ctx, const ElbCatalog& catalog) {
  std::vector<LiveTarget> out;
  if (catalog.target_groups.empty()) return out;
  BERTH_ASSIGN(const auto host_ports, local_host_ports(ctx));
  const std::string instance = ctx.gateway->instance_id();
  for (const auto& t : catalog.targets) {
    LiveTarget live{t, std::nullopt, "", "", "", 0, 0, false};
    if (t.id == instance || t.id == "127.0.0.1") {
      const auto it = host_ports.find(t.port);
      live.endpoint = it != host_ports.end() ? it->second : model::Endpoint{"127.0.0.1", t.port};
    } else if (is_ipv4(t.id)) {
      live.endpoint = model::Endpoint{t.id, t.port};
    }
    out.push_back(std::move(live));
  }
  BERTH_ASSIGN(const auto services, ctx.store.list_services(std::nullopt, {model::ServiceStatus::active,
                                                                           model::ServiceStatus::draining}, "", 100000));
  for (const auto& service : services) {
    const auto entries = service_load_balancers(service.attachments.load_balancers);
    if (entries.empty()) continue;
    BERTH_ASSIGN(const auto tasks, ctx.store.list_tasks(live_tasks_of(service)));
    for (const auto& task : tasks) {
      if (task.last_status != model::TaskStatus::running || task.health_status == "UNHEALTHY") continue;
      for (const auto& entry : entries) {
        if (!catalog.target_group(entry.target_group_arn)) continue;
        for (const auto& c : task.containers) {
          if (c.name != entry.container_name) continue;
          for (const auto& b : c.network_bindings) {
            if (b.value("containerPort", 0) != entry.container_port || b.value("protocol", "tcp") != "tcp") continue;
            LiveTarget live{{entry.target_group_arn, task.container_instance_id, b.value("hostPort", 0)},
                            task.container_instance_id == instance ? endpoint_of(task, b) : std::nullopt,
                            task.id, service.cluster, service.name, task.started_at.value_or(task.created_at),
                            service.health_check_grace_period_seconds, ctx.elb->draining(task.id)};
            out.push_back(std::move(live));
          }
        }
      }
    }
  }
  return out;
}

}  // namespace berth::svc
