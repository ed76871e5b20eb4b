// ELB use cases of target groups, their attributes, targets and target health.
#include <algorithm>

#include "common/ids.hpp"
#include "common/numbers.hpp"
#include "svc/elb.hpp"
#include "svc/elb_live_targets.hpp"
#include "svc/elb_names.hpp"

namespace berth::svc {
namespace {

using store::Store;

constexpr std::size_t k_max_target_groups = 100;
constexpr std::size_t k_max_targets = 1000;
constexpr std::string_view k_delay_attribute = "deregistration_delay.timeout_seconds";

// Target group names: 1-32 letters, digits and hyphens, not beginning or ending with a hyphen.
bool valid_tg_name(const std::string& name) {
  if (name.empty() || name.size() > 32 || name.front() == '-' || name.back() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

Result<void> check_health(const model::HealthCheck& h) {
  if (h.protocol != "TCP" && h.protocol != "HTTP") return fail(Code::validation, "HealthCheckProtocol must be TCP or HTTP.");
  if (h.port != "traffic-port" && !parse_integer_in<int>(h.port, 1, 65535)) {
    return fail(Code::validation, "HealthCheckPort must be traffic-port or a port number.");
  }
  if (h.interval_seconds < 5 || h.interval_seconds > 300) return fail(Code::validation, "HealthCheckIntervalSeconds must be 5 to 300.");
  if (h.timeout_seconds < 2 || h.timeout_seconds > 120 || h.timeout_seconds >= h.interval_seconds + 1) {
    return fail(Code::validation, "HealthCheckTimeoutSeconds must be 2 to 120 and not above the interval.");
  }
  if (h.healthy_threshold < 2 || h.healthy_threshold > 10 || h.unhealthy_threshold < 2 || h.unhealthy_threshold > 10) {
    return fail(Code::validation, "Health check thresholds must be 2 to 10.");
  }
  if (!h.path.starts_with("/") || h.path.size() > 1024) return fail(Code::validation, "HealthCheckPath must begin with '/'.");
  if (!model::valid_matcher(h.matcher)) return fail(Code::validation, "Matcher HttpCode must be codes 200-499: 200, 200,202 or 200-299.");
  return {};
}

std::vector<std::string> load_balancers_of(const ElbCatalog& catalog, const std::string& tg_arn) {
  std::vector<std::string> out;
  const auto add = [&](const std::string& listener_arn) {
    if (const auto* l = catalog.listener(listener_arn);
        l && std::find(out.begin(), out.end(), l->load_balancer_arn) == out.end()) {
      out.push_back(l->load_balancer_arn);
    }
  };
  for (const auto& l : catalog.listeners) {
    if (l.default_target_group_arn == tg_arn) add(l.arn);
  }
  for (const auto& r : catalog.rules) {
    if (r.target_group_arn == tg_arn) add(r.listener_arn);
  }
  return out;
}

Result<const model::TargetGroup*> find_group(const ElbCatalog& catalog, const std::string& arn) {
  const auto* tg = catalog.target_group(arn);
  if (!tg) return fail(Code::target_group_not_found, "One or more target groups not found");
  return tg;
}

Result<void> check_targets(const std::vector<model::Target>& targets) {
  if (targets.empty()) return fail(Code::validation, "Targets must name at least one target.");
  for (const auto& t : targets) {
    if (t.id.empty() || t.id.size() > 128) return fail(Code::validation, "A target's Id must be 1 to 128 characters.");
    if (t.port < 1 || t.port > 65535) return fail(Code::invalid_target, "The target's port must be 1 to 65535.");
  }
  return {};
}

}  // namespace

Result<model::TargetGroup> create_target_group(Context& ctx, model::TargetGroup wanted) {
  if (!valid_tg_name(wanted.name)) {
    return fail(Code::validation, "Target group name '" + wanted.name + "' is not valid: 1 to 32 letters, digits and "
                                  "hyphens, not beginning or ending with a hyphen.");
  }
  if (wanted.protocol != "TCP" && wanted.protocol != "HTTP") {
    return fail(Code::validation, "berth's target groups take protocol TCP (network) or HTTP (application).");
  }
  if (wanted.port < 1 || wanted.port > 65535) return fail(Code::validation, "Port must be 1 to 65535.");
  if (wanted.target_type != "instance") {
    return fail(Code::validation, "berth's target groups take target type instance (the gateway's host ports).");
  }
  BERTH_TRY(check_health(wanted.health));
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  for (const auto& tg : catalog.target_groups) {
    if (tg.name != wanted.name) continue;
    if (tg.protocol == wanted.protocol && tg.port == wanted.port) return tg;  // ELB's idempotent create
    return fail(Code::duplicate_target_group_name, "A target group with the same name '" + wanted.name +
                                                       "' exists, but with different settings");
  }
  if (catalog.target_groups.size() >= k_max_target_groups) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(k_max_target_groups) + " target groups.");
  }
  wanted.created_at = ctx.clock.now_ms();
  wanted.arn = elb_arn(ctx, "targetgroup/" + wanted.name + "/" + random_hex(8));
  BERTH_TRY(ctx.store.write_elb_objects({Store::ElbPut{wanted.arn, std::string(k_kind_target_group), model::to_record(wanted)}}, {}));
  return wanted;
}

Result<std::vector<TargetGroupView>> describe_target_groups(Context& ctx, const std::vector<std::string>& arns,
                                                          const std::vector<std::string>& names,
                                                          const std::string& load_balancer_arn) {
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  if (!load_balancer_arn.empty() && !catalog.load_balancer(load_balancer_arn)) {
    return fail(Code::load_balancer_not_found, "One or more load balancers not found");
  }
  std::vector<TargetGroupView> out;
  const auto view = [&](const model::TargetGroup& tg) { return TargetGroupView{tg, load_balancers_of(catalog, tg.arn)}; };
  for (const auto& arn : arns) {
    BERTH_ASSIGN(const auto* tg, find_group(catalog, arn));
    out.push_back(view(*tg));
  }
  for (const auto& name : names) {
    const auto it = std::find_if(catalog.target_groups.begin(), catalog.target_groups.end(),
                                 [&](const auto& tg) { return tg.name == name; });
    if (it == catalog.target_groups.end()) return fail(Code::target_group_not_found, "Target groups '[" + name + "]' not found");
    out.push_back(view(*it));
  }
  if (arns.empty() && names.empty()) {
    for (const auto& tg : catalog.target_groups) {
      auto v = view(tg);
      if (load_balancer_arn.empty() ||
          std::find(v.load_balancer_arns.begin(), v.load_balancer_arns.end(), load_balancer_arn) != v.load_balancer_arns.end()) {
        out.push_back(std::move(v));
      }
    }
  }
  return out;
}

Result<void> delete_target_group(Context& ctx, const std::string& arn) {
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  if (!catalog.target_group(arn)) return {};  // ELB: deleting a deleted group succeeds
  if (!load_balancers_of(catalog, arn).empty()) {
    return fail(Code::resource_in_use, "Target group '" + arn + "' is currently in use by a listener or a rule");
  }
  std::vector<std::string> deletes{arn};
  for (const auto& t : catalog.targets) {
    if (t.target_group_arn == arn) deletes.push_back(target_key(arn, t.id, t.port));
  }
  BERTH_TRY(ctx.store.write_elb_objects({}, deletes));
  ctx.elb->changed();
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> modify_target_group_attributes(
    Context& ctx, const std::string& arn, const std::vector<std::pair<std::string, std::string>>& attributes) {
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  BERTH_ASSIGN(const auto* found, find_group(catalog, arn));
  model::TargetGroup tg = *found;
  for (const auto& [key, value] : attributes) {
    if (key != k_delay_attribute) {
      return fail(Code::validation, "berth acts on the target group attribute " + std::string(k_delay_attribute) +
                                        " only, not '" + key + "'.");
    }
    const auto seconds = parse_integer_in<int>(value, 0, 3600);
    if (!seconds) return fail(Code::validation, std::string(k_delay_attribute) + " must be 0 to 3600.");
    tg.deregistration_delay_seconds = *seconds;
  }
  BERTH_TRY(ctx.store.write_elb_objects({Store::ElbPut{tg.arn, std::string(k_kind_target_group), model::to_record(tg)}}, {}));
  return std::vector<std::pair<std::string, std::string>>{{std::string(k_delay_attribute), std::to_string(tg.deregistration_delay_seconds)}};
}

Result<std::vector<std::pair<std::string, std::string>>> describe_target_group_attributes(Context& ctx,
                                                                                        const std::string& arn) {
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  BERTH_ASSIGN(const auto* tg, find_group(catalog, arn));
  return std::vector<std::pair<std::string, std::string>>{{std::string(k_delay_attribute), std::to_string(tg->deregistration_delay_seconds)}};
}

Result<void> register_targets(Context& ctx, const std::string& target_group_arn, const std::vector<model::Target>& targets) {
  BERTH_TRY(check_targets(targets));
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  BERTH_TRY(find_group(catalog, target_group_arn));
  if (catalog.targets.size() + targets.size() > k_max_targets) {
    return fail(Code::limit_exceeded, "berth holds at most " + std::to_string(k_max_targets) + " registered targets.");
  }
  std::vector<Store::ElbPut> puts;
  for (auto t : targets) {
    t.target_group_arn = target_group_arn;
    puts.push_back({target_key(target_group_arn, t.id, t.port), std::string(k_kind_target), model::to_record(t)});
  }
  BERTH_TRY(ctx.store.write_elb_objects(puts, {}));
  ctx.elb->changed();
  return {};
}

Result<void> deregister_targets(Context& ctx, const std::string& target_group_arn, const std::vector<model::Target>& targets) {
  BERTH_TRY(check_targets(targets));
  MutexLock lock(ctx.elb->write_lock());
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  BERTH_TRY(find_group(catalog, target_group_arn));
  std::vector<std::string> deletes;
  for (const auto& t : targets) {
    const bool known = std::any_of(catalog.targets.begin(), catalog.targets.end(), [&](const model::Target& r) {
      return r.target_group_arn == target_group_arn && r.id == t.id && r.port == t.port;
    });
    if (!known) return fail(Code::invalid_target, "The target " + t.id + ":" + std::to_string(t.port) + " is not registered.");
    deletes.push_back(target_key(target_group_arn, t.id, t.port));
  }
  BERTH_TRY(ctx.store.write_elb_objects({}, deletes));
  ctx.elb->changed();
  return {};
}

Result<std::vector<TargetHealthView>> describe_target_health(Context& ctx, const std::string& target_group_arn,
                                                           const std::vector<model::Target>& targets) {
  BERTH_ASSIGN(const auto catalog, load_elb_catalog(ctx));
  BERTH_ASSIGN(const auto* tg, find_group(catalog, target_group_arn));
  BERTH_ASSIGN(const auto live, live_targets(ctx, catalog));
  std::vector<TargetHealthView> out;
  const auto wanted = [&](const model::Target& t) {
    if (targets.empty()) return true;
    return std::any_of(targets.begin(), targets.end(), [&](const model::Target& w) {
      return w.id == t.id && (w.port == 0 || w.port == t.port);
    });
  };
  for (const auto& l : live) {
    if (l.target.target_group_arn != tg->arn || !wanted(l.target)) continue;
    const auto health = ctx.elb->health(target_key(tg->arn, l.target.id, l.target.port));
    model::TargetHealth shown = health.value_or(model::new_target_health(tg->health, 0));
    if (l.draining) shown.state = model::TargetState::draining;
    TargetHealthView view{l.target, shown.state, model::health_reason(shown, tg->health),
                          tg->health.port == "traffic-port" ? std::to_string(l.target.port) : tg->health.port};
    out.push_back(std::move(view));
  }
  return out;
}

}  // namespace berth::svc
