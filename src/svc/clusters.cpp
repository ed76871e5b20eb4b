// Cluster use cases: CreateCluster, DescribeClusters, ListClusters, DeleteCluster,
// UpdateClusterSettings / UpdateCluster.
#include "model/names.hpp"
#include "svc/account_settings.hpp"
#include "svc/actions.hpp"
#include "svc/capacity_providers.hpp"

namespace berth::svc {
namespace {

Result<model::ClusterDescription> describe(Context& ctx, model::Cluster cluster, bool settings, bool statistics,
                                           bool tags) {
  model::ClusterDescription out{std::move(cluster), {}, settings, statistics, std::nullopt};
  BERTH_ASSIGN(out.counts, ctx.store.cluster_counts(out.cluster.name));
  if (tags) {
    BERTH_ASSIGN(out.tags, ctx.store.tags_of("cluster/" + out.cluster.name));
  }
  return out;
}

}  // namespace

Result<model::ClusterReply> create_cluster(Context& ctx, const model::CreateClusterRequest& request) {
  BERTH_TRY(check_new_cluster_capacity(ctx, request.cluster.capacity));
  model::Cluster wanted = request.cluster;
  wanted.created_at = ctx.clock.now_ms();
  if (!request.insights_given) {
    BERTH_ASSIGN(auto insights, account_default(ctx, model::k_container_insights_setting));
    wanted.settings = Json::array({{{"name", model::k_container_insights_setting}, {"value", std::move(insights)}}});
  }
  BERTH_ASSIGN(auto cluster, ctx.store.create_cluster(wanted, request.tags));
  BERTH_ASSIGN(auto described, describe(ctx, std::move(cluster), true, false, true));
  return model::ClusterReply{std::move(described)};
}

Result<model::DescribeClustersReply> describe_clusters(Context& ctx, const model::DescribeClustersRequest& request) {
  auto ids = request.clusters;
  if (ids.empty()) ids.push_back(ctx.default_cluster);
  model::DescribeClustersReply reply;
  for (const auto& id : ids) {
    const auto name = cluster_name_of(ctx, id);
    std::optional<model::Cluster> cluster;
    if (name && model::is_valid_name(*name)) {
      BERTH_ASSIGN(cluster, ctx.store.find_cluster(*name));
    }
    if (!cluster) {
      reply.failures.push_back({is_arn(id) ? id : ctx.arns.cluster(id), "MISSING"});
      continue;
    }
    BERTH_ASSIGN(auto described, describe(ctx, std::move(*cluster), request.with_settings, request.with_statistics,
                                          request.with_tags));
    reply.clusters.push_back(std::move(described));
  }
  return reply;
}

Result<model::Page> list_clusters(Context& ctx, const model::ListClustersRequest& request) {
  const auto& page = request.page;
  BERTH_ASSIGN(auto clusters, ctx.store.list_clusters(page.after, page.limit + 1));
  const bool more = clusters.size() > page.limit;
  if (more) clusters.resize(page.limit);
  model::Page reply;
  for (const auto& c : clusters) reply.items.push_back(ctx.arns.cluster(c.name));
  reply.next_token = next_token(more, "clusters", clusters.empty() ? "" : clusters.back().name);
  return reply;
}

Result<model::ClusterReply> delete_cluster(Context& ctx, const model::DeleteClusterRequest& request) {
  const auto name = cluster_name_of(ctx, request.cluster);
  if (!name) return fail(Code::cluster_not_found, "Cluster not found.");
  BERTH_ASSIGN(auto cluster, ctx.store.delete_cluster(*name));
  BERTH_ASSIGN(auto described, describe(ctx, std::move(cluster), true, false, false));
  return model::ClusterReply{std::move(described)};
}

Result<model::ClusterReply> update_cluster_settings(Context& ctx, const model::UpdateClusterSettingsRequest& request) {
  const auto name = cluster_name_of(ctx, request.cluster);
  if (!name || !model::is_valid_name(*name)) return fail(Code::cluster_not_found, "Cluster not found.");
  const store::ClusterUpdate update{request.settings, request.configuration, request.service_connect_defaults};
  BERTH_ASSIGN(auto cluster, ctx.store.update_cluster(*name, update));
  BERTH_ASSIGN(auto described, describe(ctx, std::move(cluster), true, false, false));
  return model::ClusterReply{std::move(described)};
}

}  // namespace berth::svc
