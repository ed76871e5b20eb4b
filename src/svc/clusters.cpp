// Cluster use cases: CreateCluster, DescribeClusters, ListClusters, DeleteCluster.
#include <algorithm>

#include "model/names.hpp"
#include "model/paging.hpp"
#include "svc/actions.hpp"

namespace berth::svc {
namespace {

bool includes(const Json& request, const char* field) {
  const auto list = request.value("include", Json::array());
  return std::find(list.begin(), list.end(), field) != list.end();
}

Result<Json> cluster_json(Context& ctx, const model::Cluster& cluster, bool settings,
                          bool statistics, bool tags) {
  BERTH_ASSIGN(auto counts, ctx.store.cluster_counts(cluster.name));
  std::vector<model::Tag> tag_list;
  if (tags) {
    BERTH_ASSIGN(tag_list, ctx.store.tags_of("cluster/" + cluster.name));
  }
  model::ClusterView view{settings, statistics, tags ? &tag_list : nullptr};
  return model::cluster_to_json(cluster, counts, view, ctx.arns);
}

}  // namespace

Result<Json> create_cluster(Context& ctx, const Json& request) {
  model::Cluster wanted;
  wanted.name = request.value("clusterName", "default");
  BERTH_TRY(model::check_name("Cluster name", wanted.name));
  std::vector<model::Tag> tags;
  if (request.contains("tags")) {
    BERTH_ASSIGN(tags, model::read_tags(request["tags"]));
  }
  BERTH_ASSIGN(wanted.settings, model::normalize_cluster_settings(request.value("settings", Json::array())));
  for (const char* key : {"capacityProviders", "defaultCapacityProviderStrategy", "serviceConnectDefaults"}) {
    if (request.contains(key)) wanted.capacity[key] = request[key];
  }
  wanted.created_at = ctx.clock.now_ms();
  BERTH_ASSIGN(auto cluster, ctx.store.create_cluster(wanted, tags));
  BERTH_ASSIGN(auto body, cluster_json(ctx, cluster, true, false, true));
  return Json{{"cluster", body}};
}

Result<Json> describe_clusters(Context& ctx, const Json& request) {
  auto ids = strings_of(request.value("clusters", Json::array({ctx.default_cluster})));
  if (ids.empty()) ids.push_back(ctx.default_cluster);
  if (ids.size() > 100) {
    return fail(Code::invalid_parameter, "DescribeClusters takes at most 100 clusters.");
  }
  Json response{{"clusters", Json::array()}, {"failures", Json::array()}};
  for (const auto& id : ids) {
    const auto name = cluster_name_of(ctx, id);
    std::optional<model::Cluster> cluster;
    if (name && model::is_valid_name(*name)) {
      BERTH_ASSIGN(cluster, ctx.store.find_cluster(*name));
    }
    if (!cluster) {
      response["failures"].push_back(
          {{"arn", is_arn(id) ? id : ctx.arns.cluster(id)}, {"reason", "MISSING"}});
      continue;
    }
    BERTH_ASSIGN(auto body, cluster_json(ctx, *cluster, includes(request, "SETTINGS"),
                                         includes(request, "STATISTICS"), includes(request, "TAGS")));
    response["clusters"].push_back(std::move(body));
  }
  return response;
}

Result<Json> list_clusters(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto page, model::read_page_request(request, 100, "clusters"));
  BERTH_ASSIGN(auto clusters, ctx.store.list_clusters(page.after, page.limit + 1));
  const bool more = clusters.size() > page.limit;
  if (more) clusters.resize(page.limit);
  Json response{{"clusterArns", Json::array()}};
  for (const auto& c : clusters) response["clusterArns"].push_back(ctx.arns.cluster(c.name));
  set_next_token(response, more, "clusters", clusters.empty() ? "" : clusters.back().name);
  return response;
}

Result<Json> delete_cluster(Context& ctx, const Json& request) {
  const auto name = cluster_name_of(ctx, request["cluster"].get<std::string>());
  if (!name) return fail(Code::cluster_not_found, "Cluster not found.");
  BERTH_ASSIGN(auto cluster, ctx.store.delete_cluster(*name));
  BERTH_ASSIGN(auto body, cluster_json(ctx, cluster, true, false, false));
  return Json{{"cluster", body}};
}

}  // namespace berth::svc
