// Reading ELB's stored objects whole, and the ARNs and names it makes.
#include <algorithm>

#include "svc/elb.hpp"
#include "svc/elb_names.hpp"

namespace berth::svc {
namespace {

template <class T, class Decode>
Result<std::vector<T>> load(Context& ctx, std::string_view kind, Decode decode) {
  BERTH_ASSIGN(const auto records, ctx.store.list_elb_objects(kind));
  std::vector<T> out;
  for (const auto& record : records) {
    BERTH_ASSIGN(auto value, decode(record));
    out.push_back(std::move(value));
  }
  return out;
}

template <class T>
const T* by_arn(const std::vector<T>& items, const std::string& arn) {
  const auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.arn == arn; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const model::LoadBalancer* ElbCatalog::load_balancer(const std::string& arn) const { return by_arn(load_balancers, arn); }
const model::TargetGroup* ElbCatalog::target_group(const std::string& arn) const { return by_arn(target_groups, arn); }
const model::Listener* ElbCatalog::listener(const std::string& arn) const { return by_arn(listeners, arn); }

Result<ElbCatalog> load_elb_catalog(Context& ctx) {
  ElbCatalog catalog;
  BERTH_ASSIGN(catalog.load_balancers, load<model::LoadBalancer>(ctx, k_kind_load_balancer, model::load_balancer_from_record));
  BERTH_ASSIGN(catalog.target_groups, load<model::TargetGroup>(ctx, k_kind_target_group, model::target_group_from_record));
  BERTH_ASSIGN(catalog.listeners, load<model::Listener>(ctx, k_kind_listener, model::listener_from_record));
  BERTH_ASSIGN(catalog.rules, load<model::ListenerRule>(ctx, k_kind_rule, model::rule_from_record));
  BERTH_ASSIGN(catalog.targets, load<model::Target>(ctx, k_kind_target, model::target_from_record));
  std::stable_sort(catalog.rules.begin(), catalog.rules.end(),
                   [](const auto& a, const auto& b) { return a.priority < b.priority; });
  return catalog;
}

std::string elb_arn(const Context& ctx, const std::string& resource) {
  return "arn:aws:elasticloadbalancing:" + ctx.arns.region + ":" + ctx.arns.account + ":" + resource;
}

std::string lb_type_tag(model::LbType type) { return type == model::LbType::network ? "net" : "app"; }

// The name part of a load balancer ARN's resource ("net/NAME/ID" → "net/NAME/ID" after "loadbalancer/").
std::string lb_path_of(const std::string& lb_arn) {
  const auto at = lb_arn.find(":loadbalancer/");
  return at == std::string::npos ? "" : lb_arn.substr(at + 14);
}

}  // namespace berth::svc
