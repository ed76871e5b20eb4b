#include "svc/capacity_providers.hpp"

#include <algorithm>
#include <array>

namespace berth::svc {
namespace {

constexpr std::array<std::string_view, 2> k_fargate_providers = {"FARGATE", "FARGATE_SPOT"};

// How many capacity providers berth keeps. ECS documents no per-account quota for them (only 20
// per cluster, model::k_max_cluster_capacity_providers); a gateway's few clusters need far fewer,
// and the bound keeps the table and DescribeCapacityProviders' pages small.
constexpr std::size_t k_max_capacity_providers = 100;

Result<model::CapacityProviderDescription> described(Context& ctx, model::CapacityProvider provider, bool tags) {
  model::CapacityProviderDescription out{std::move(provider), "", std::nullopt};
  if (tags) {
    BERTH_ASSIGN(out.tags, ctx.store.tags_of("capacity-provider/" + out.provider->name));
  }
  return out;
}

// The stored provider's name `text` means, refusing the built-in ones that cannot be changed.
Result<std::string> changeable_name(Context& ctx, const std::string& text) {
  const auto name = model::capacity_provider_name_of(ctx.arns, text);
  if (name && model::is_fargate_provider(*name)) {
    return fail(Code::client, "The capacity provider " + *name + " is built in and cannot be updated or deleted; "
                              "besides, " + std::string(model::k_no_fargate));
  }
  if (!name) {
    return fail(Code::client, "The specified capacity provider does not exist. Specify a valid name or ARN and try "
                              "again.");
  }
  return *name;
}

}  // namespace

Result<model::CapacityProviderReply> create_capacity_provider(Context& ctx,
                                                              const model::CreateCapacityProviderRequest& request) {
  model::CapacityProvider provider = request.provider;
  provider.created_at = ctx.clock.now_ms();
  BERTH_TRY(ctx.store.create_capacity_provider(provider, request.tags, k_max_capacity_providers));
  model::CapacityProviderDescription out{std::move(provider), "", request.tags};
  return model::CapacityProviderReply{std::move(out)};
}

Result<model::DescribeCapacityProvidersReply> describe_capacity_providers(
    Context& ctx, const model::DescribeCapacityProvidersRequest& request) {
  model::DescribeCapacityProvidersReply reply;
  std::optional<std::vector<std::string>> of_cluster;
  if (request.cluster) {
    BERTH_ASSIGN(const auto cluster, resolve_active_cluster(ctx, request.cluster));
    BERTH_ASSIGN(const auto found, ctx.store.find_cluster(cluster));
    if (!found) return fail(Code::cluster_not_found, "Cluster not found.");
    of_cluster = model::associated_capacity_providers(found->capacity);
  }
  const auto wanted = [&](const std::optional<std::string>& name) {
    return !of_cluster || (name && std::find(of_cluster->begin(), of_cluster->end(), *name) != of_cluster->end());
  };
  if (!request.capacity_providers.empty() || of_cluster) {
    for (const auto& text : request.capacity_providers.empty() ? *of_cluster : request.capacity_providers) {
      if (!wanted(model::capacity_provider_name_of(ctx.arns, text))) continue;
      const auto name = model::capacity_provider_name_of(ctx.arns, text);
      if (name && model::is_fargate_provider(*name)) {
        std::optional<std::vector<model::Tag>> tags;
        if (request.with_tags) tags.emplace();
        reply.capacity_providers.push_back({std::nullopt, *name, std::move(tags)});
        continue;
      }
      std::optional<model::CapacityProvider> found;
      if (name) {
        BERTH_ASSIGN(found, ctx.store.find_capacity_provider(*name));
      }
      if (!found) {
        reply.failures.push_back({is_arn(text) ? text : model::capacity_provider_arn(ctx.arns, text), "MISSING"});
        continue;
      }
      BERTH_ASSIGN(auto d, described(ctx, std::move(*found), request.with_tags));
      reply.capacity_providers.push_back(std::move(d));
    }
    return reply;
  }
  // All of them: the built-in ones first, then the stored ones by name (no stored name can be a
  // built-in one: names starting with "fargate" are refused).
  const std::string& after = request.page.after;
  const std::size_t limit = request.page.limit;
  std::vector<model::CapacityProviderDescription> page;
  const auto built_in = std::find(k_fargate_providers.begin(), k_fargate_providers.end(), after);
  const bool in_built_ins = after.empty() || built_in != k_fargate_providers.end();
  if (in_built_ins) {
    for (auto it = after.empty() ? k_fargate_providers.begin() : built_in + 1; it != k_fargate_providers.end(); ++it) {
      std::optional<std::vector<model::Tag>> tags;
      if (request.with_tags) tags.emplace();
      page.push_back({std::nullopt, std::string(*it), std::move(tags)});
    }
  }
  BERTH_ASSIGN(auto stored, ctx.store.list_capacity_providers(in_built_ins ? "" : after, limit + 1));
  for (auto& provider : stored) {
    BERTH_ASSIGN(auto d, described(ctx, std::move(provider), request.with_tags));
    page.push_back(std::move(d));
  }
  const bool more = page.size() > limit;
  if (more) page.resize(limit);
  const auto& last = page.empty() ? std::string() : (page.back().provider ? page.back().provider->name : page.back().fargate_name);
  reply.capacity_providers = std::move(page);
  reply.next_token = next_token(more, "capacityProviders", last);
  return reply;
}

Result<model::CapacityProviderReply> update_capacity_provider(Context& ctx,
                                                              const model::UpdateCapacityProviderRequest& request) {
  BERTH_ASSIGN(auto name, changeable_name(ctx, request.name));
  BERTH_ASSIGN(auto provider, ctx.store.update_capacity_provider(name, [&](model::CapacityProvider& p) -> Result<void> {
    BERTH_ASSIGN(p.auto_scaling_group_provider,
                 model::updated_auto_scaling_group_provider(p.auto_scaling_group_provider,
                                                            request.auto_scaling_group_provider));
    p.update_status = "UPDATE_COMPLETE";
    p.update_status_reason.clear();
    return {};
  }));
  BERTH_ASSIGN(auto d, described(ctx, std::move(provider), false));
  return model::CapacityProviderReply{std::move(d)};
}

Result<model::CapacityProviderReply> delete_capacity_provider(Context& ctx,
                                                              const model::DeleteCapacityProviderRequest& request) {
  BERTH_ASSIGN(auto name, changeable_name(ctx, request.capacity_provider));
  BERTH_ASSIGN(auto provider, ctx.store.delete_capacity_provider(name));
  return model::CapacityProviderReply{{std::move(provider), "", std::nullopt}};
}

Result<model::ClusterReply> put_cluster_capacity_providers(Context& ctx,
                                                           const model::PutClusterCapacityProvidersRequest& request) {
  const auto name = cluster_name_of(ctx, request.cluster);
  if (!name) return fail(Code::cluster_not_found, "Cluster not found.");
  BERTH_TRY(ctx.store.set_cluster_capacity_providers(*name, request.capacity_providers,
                                                     model::strategy_to_json(request.default_strategy)));
  BERTH_ASSIGN(auto cluster, ctx.store.find_cluster(*name));
  if (!cluster) return fail(Code::cluster_not_found, "Cluster not found.");
  model::ClusterDescription out{std::move(*cluster), {}, true, false, std::nullopt};
  BERTH_ASSIGN(out.counts, ctx.store.cluster_counts(*name));
  return model::ClusterReply{std::move(out)};
}

Result<void> check_new_cluster_capacity(Context& ctx, const Json& capacity) {
  model::PutClusterCapacityProvidersRequest wanted;
  Json body{{"cluster", "new"},
            {"capacityProviders", capacity.value("capacityProviders", Json::array())},
            {"defaultCapacityProviderStrategy", capacity.value("defaultCapacityProviderStrategy", Json::array())}};
  BERTH_ASSIGN(wanted, model::decode_put_cluster_capacity_providers(body));
  for (const auto& name : wanted.capacity_providers) {
    BERTH_ASSIGN(auto found, ctx.store.find_capacity_provider(name));
    if (!found) return fail(Code::invalid_parameter, "The specified capacity provider does not exist: " + name + ".");
  }
  return {};
}

Result<model::CapacityProviderStrategy> launch_strategy(Context& ctx, const std::string& cluster,
                                                        const model::LaunchCapacity& given) {
  if (!given.strategy && given.launch_type_given) return model::CapacityProviderStrategy{};
  BERTH_ASSIGN(auto found, ctx.store.find_cluster(cluster));
  if (!found) return fail(Code::cluster_not_found, "Cluster not found.");
  if (given.strategy) {
    BERTH_TRY(model::check_strategy_associated(*given.strategy, model::associated_capacity_providers(found->capacity)));
    return *given.strategy;
  }
  // The stored default passed the same checks when it was put.
  return model::read_capacity_provider_strategy(found->capacity.value("defaultCapacityProviderStrategy", Json::array()));
}

}  // namespace berth::svc
