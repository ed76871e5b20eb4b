// ELB use cases of load balancers, listeners and rules.
#include <algorithm>

#include "common/ids.hpp"
#include "svc/elb.hpp"
#include "svc/elb_names.hpp"
#include "svc/elb_ports.hpp"

namespace berth::svc {
namespace {

using store::Store;

constexpr std::size_t k_max_load_balancers = 50;
constexpr std::size_t k_max_listeners = 50;
constexpr std::size_t k_max_rules_per_listener = 100;
constexpr std::size_t k_max_condition_values = 5;

// ELB's load balancer names: 1-32 letters, digits and hyphens, not starting or ending with a
// hyphen, not starting with "internal-".
bool valid_lb_name(const std::string& name) {
  if (name.empty() || name.size() > 32 || name.front() == '-' || name.back() == '-') return false;
  if (name.starts_with("internal-")) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

Result<void> put(Context& ctx, std::string_view kind, const std::string& key, const model::Json& record) {
  BERTH_TRY(ctx.store.write_elb_objects({Store::ElbPut{key, std::string(kind), record}}, {}));
  ctx.elb->changed();
  return {};
}

std::vector<const model::ListenerRule*> rules_of(const ElbCatalog& catalog, const std::string& listener_arn) {
  std::vector<const model::ListenerRule*> out;
  for (const auto& r : catalog.rules) {
    if (r.listener_arn == listener_arn) out.push_back(&r);
  }
  return out;
}

}  // namespace

Result<model::LoadBalancer> create_load_balancer(Context& ctx, const CreateLoadBalancerRequest& request) {
  if (!valid_lb_name(request.name)) {
    return fail(Code::validation, "LoadBalancer name '" + request.name + "' is not valid: 1 to 32 letters, digits and "
                                  "hyphens, not beginning or ending with a hyphen.");
  }
  if (request.scheme != "internet-facing" && request.scheme != "internal") {
    return fail(Code::validation, "Scheme must be internet-facing or internal.");
  }
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  for (const auto& lb : catalog.load_balancers) {
    if (lb.name != request.name) continue;
    // ELB answers a repeated create of the same load balancer with it.
    if (lb.type == request.type && lb.scheme == request.scheme) return lb;
    return fail(Code::duplicate_load_balancer_name, "A load balancer with the same name '" + request.name + "' exists, "
                                                    "but with different settings");
  }
  if (catalog.load_balancers.size() >= k_max_load_balancers) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(k_max_load_balancers) + " load balancers.");
  }
  model::LoadBalancer lb;
  lb.name = request.name;
  lb.type = request.type;
  lb.scheme = request.scheme;
  lb.created_at = ctx.clock.now_ms();
  lb.arn = elb_arn(ctx, "loadbalancer/" + lb_type_tag(lb.type) + "/" + lb.name + "/" + random_hex(8));
  BERTH_TRY(put(ctx, k_kind_load_balancer, lb.arn, model::to_record(lb)));
  return lb;
}

Result<std::vector<model::LoadBalancer>> describe_load_balancers(Context& ctx, const std::vector<std::string>& arns,
                                                               const std::vector<std::string>& names) {
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  if (arns.empty() && names.empty()) return catalog.load_balancers;
  std::vector<model::LoadBalancer> out;
  for (const auto& arn : arns) {
    const auto* lb = catalog.load_balancer(arn);
    if (!lb) return fail(Code::load_balancer_not_found, "One or more load balancers not found");
    out.push_back(*lb);
  }
  for (const auto& name : names) {
    const auto it = std::find_if(catalog.load_balancers.begin(), catalog.load_balancers.end(),
                                 [&](const model::LoadBalancer& lb) { return lb.name == name; });
    if (it == catalog.load_balancers.end()) {
      return fail(Code::load_balancer_not_found, "Load balancers '[" + name + "]' not found");
    }
    out.push_back(*it);
  }
  return out;
}

Result<void> delete_load_balancer(Context& ctx, const std::string& arn) {
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  if (!catalog.load_balancer(arn)) return {};
  std::vector<std::string> deletes{arn};
  for (const auto& l : catalog.listeners) {
    if (l.load_balancer_arn != arn) continue;
    deletes.push_back(l.arn);
    for (const auto* r : rules_of(catalog, l.arn)) deletes.push_back(r->arn);
  }
  BERTH_TRY(ctx.store.write_elb_objects({}, deletes));
  ctx.elb->changed();
  return {};
}

Result<model::Listener> create_listener(Context& ctx, const CreateListenerRequest& request) {
  if (request.port < 1 || request.port > 65535) return fail(Code::validation, "Port must be between 1 and 65535.");
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  const auto* lb = catalog.load_balancer(request.load_balancer_arn);
  if (!lb) return fail(Code::load_balancer_not_found, "One or more load balancers not found");
  const bool network = lb->type == model::LbType::network;
  if (request.protocol != (network ? "TCP" : "HTTP")) {
    return fail(Code::invalid_configuration_request,
                std::string("berth's ") + (network ? "network load balancers take TCP listeners"
                                                   : "application load balancers take HTTP listeners") +
                    ", not '" + request.protocol + "'.");
  }
  const auto* tg = catalog.target_group(request.default_target_group_arn);
  if (!tg) return fail(Code::target_group_not_found, "One or more target groups not found");
  if (tg->protocol != (network ? "TCP" : "HTTP")) {
    return fail(Code::invalid_configuration_request, "The target group's protocol " + tg->protocol +
                                                         " does not fit a " + request.protocol + " listener.");
  }
  for (const auto& l : catalog.listeners) {
    if (l.port == request.port) {
      return fail(Code::duplicate_listener, "A listener already exists on port " + std::to_string(request.port) +
                                                (l.load_balancer_arn == lb->arn ? "" : " of another load balancer of this gateway"));
    }
  }
  if (catalog.listeners.size() >= k_max_listeners) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(k_max_listeners) + " listeners.");
  }
  BERTH_TRY(check_listener_port_free(ctx, request.port));
  model::Listener listener;
  listener.load_balancer_arn = lb->arn;
  listener.protocol = request.protocol;
  listener.port = request.port;
  listener.default_target_group_arn = tg->arn;
  listener.arn = elb_arn(ctx, "listener/" + lb_path_of(lb->arn) + "/" + random_hex(8));
  BERTH_TRY(put(ctx, k_kind_listener, listener.arn, model::to_record(listener)));
  return listener;
}

Result<std::vector<model::Listener>> describe_listeners(Context& ctx, const std::string& load_balancer_arn,
                                                      const std::vector<std::string>& arns) {
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  std::vector<model::Listener> out;
  if (!load_balancer_arn.empty()) {
    if (!catalog.load_balancer(load_balancer_arn)) return fail(Code::load_balancer_not_found, "One or more load balancers not found");
    for (const auto& l : catalog.listeners) {
      if (l.load_balancer_arn == load_balancer_arn) out.push_back(l);
    }
    return out;
  }
  if (arns.empty()) return fail(Code::validation, "You must specify either listener ARNs or a load balancer ARN");
  for (const auto& arn : arns) {
    const auto* l = catalog.listener(arn);
    if (!l) return fail(Code::listener_not_found, "One or more listeners not found");
    out.push_back(*l);
  }
  return out;
}

Result<void> delete_listener(Context& ctx, const std::string& arn) {
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  if (!catalog.listener(arn)) return fail(Code::listener_not_found, "One or more listeners not found");
  std::vector<std::string> deletes{arn};
  for (const auto* r : rules_of(catalog, arn)) deletes.push_back(r->arn);
  BERTH_TRY(ctx.store.write_elb_objects({}, deletes));
  ctx.elb->changed();
  return {};
}

Result<model::ListenerRule> create_rule(Context& ctx, model::ListenerRule wanted) {
  if (wanted.priority < 1 || wanted.priority > 50000) return fail(Code::validation, "Priority must be between 1 and 50000.");
  if (wanted.conditions.empty()) return fail(Code::validation, "A rule needs at least one condition.");
  for (const auto& c : wanted.conditions) {
    if (c.field != "path-pattern" && c.field != "host-header") {
      return fail(Code::validation, "berth's rules take path-pattern and host-header conditions, not '" + c.field + "'.");
    }
    if (c.values.empty() || c.values.size() > k_max_condition_values) {
      return fail(Code::validation, "A condition takes 1 to " + std::to_string(k_max_condition_values) + " values.");
    }
    for (const auto& v : c.values) {
      if (v.empty() || v.size() > 128) return fail(Code::validation, "A condition value takes 1 to 128 characters.");
    }
  }
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  const auto* listener = catalog.listener(wanted.listener_arn);
  if (!listener) return fail(Code::listener_not_found, "One or more listeners not found");
  if (listener->protocol != "HTTP") {
    return fail(Code::invalid_configuration_request, "Rules are for application (HTTP) listeners; a TCP listener forwards "
                                                     "to its default target group.");
  }
  const auto* tg = catalog.target_group(wanted.target_group_arn);
  if (!tg) return fail(Code::target_group_not_found, "One or more target groups not found");
  const auto rules = rules_of(catalog, listener->arn);
  for (const auto* r : rules) {
    if (r->priority == wanted.priority) return fail(Code::priority_in_use, "Priority '" + std::to_string(wanted.priority) + "' is currently in use");
  }
  if (rules.size() >= k_max_rules_per_listener) {
    return fail(Code::limit_exceeded, "A listener holds at most " + std::to_string(k_max_rules_per_listener) + " rules.");
  }
  const std::string listener_path = listener->arn.substr(listener->arn.find(":listener/") + 10);
  wanted.arn = elb_arn(ctx, "listener-rule/" + listener_path + "/" + random_hex(8));
  BERTH_TRY(put(ctx, k_kind_rule, wanted.arn, model::to_record(wanted)));
  return wanted;
}

Result<std::vector<model::ListenerRule>> describe_rules(Context& ctx, const std::string& listener_arn,
                                                       const std::vector<std::string>& arns) {
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  std::vector<model::ListenerRule> out;
  if (!listener_arn.empty()) {
    const auto* listener = catalog.listener(listener_arn);
    if (!listener) return fail(Code::listener_not_found, "One or more listeners not found");
    for (const auto* r : rules_of(catalog, listener_arn)) out.push_back(*r);
    model::ListenerRule default_rule;
    default_rule.arn = listener_arn;  // see elb_dispatch: the default rule is written from it
    default_rule.listener_arn = listener_arn;
    default_rule.target_group_arn = listener->default_target_group_arn;
    out.push_back(std::move(default_rule));
    return out;
  }
  if (arns.empty()) return fail(Code::validation, "You must specify either listener rule ARNs or a listener ARN");
  for (const auto& arn : arns) {
    const auto it = std::find_if(catalog.rules.begin(), catalog.rules.end(), [&](const auto& r) { return r.arn == arn; });
    if (it == catalog.rules.end()) return fail(Code::rule_not_found, "One or more rules not found");
    out.push_back(*it);
  }
  return out;
}

Result<void> delete_rule(Context& ctx, const std::string& arn) {
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  const bool known = std::any_of(catalog.rules.begin(), catalog.rules.end(), [&](const auto& r) { return r.arn == arn; });
  if (!known) return fail(Code::rule_not_found, "One or more rules not found");
  BERTH_TRY(ctx.store.write_elb_objects({}, {arn}));
  ctx.elb->changed();
  return {};
}

}  // namespace berth::svc
