#include "model/cluster_requests.hpp"

#include "model/names.hpp"
#include "model/request_members.hpp"

namespace berth::model {
namespace {

Json cluster_description_to_json(const ClusterDescription& d, const ArnScope& arns) {
  const ClusterView view{d.with_settings, d.with_statistics, d.tags ? &*d.tags : nullptr};
  return cluster_to_json(d.cluster, d.counts, view, arns);
}

}  // namespace

Result<CreateClusterRequest> decode_create_cluster(const Json& body) {
  CreateClusterRequest request;
  request.cluster.name = body.value("clusterName", "default");
  BERTH_TRY(check_name("Cluster name", request.cluster.name));
  if (body.contains("tags")) {
    BERTH_ASSIGN(request.tags, read_tags(body["tags"]));
  }
  const Json settings = body.value("settings", Json::array());
  request.insights_given = !settings.empty();
  BERTH_ASSIGN(request.cluster.settings, normalize_cluster_settings(settings));
  for (const char* key : {"capacityProviders", "defaultCapacityProviderStrategy", "serviceConnectDefaults"}) {
    if (body.contains(key)) request.cluster.capacity[key] = body[key];
  }
  return request;
}

Result<DescribeClustersRequest> decode_describe_clusters(const Json& body) {
  DescribeClustersRequest request;
  if (body.contains("clusters")) request.clusters = strings_of(body["clusters"]);
  if (request.clusters.size() > 100) {
    return fail(Code::invalid_parameter, "DescribeClusters takes at most 100 clusters.");
  }
  request.with_settings = includes(body, "SETTINGS");
  request.with_statistics = includes(body, "STATISTICS");
  request.with_tags = includes(body, "TAGS");
  return request;
}

Result<ListClustersRequest> decode_list_clusters(const Json& body) {
  BERTH_ASSIGN(auto page, read_page_request(body, 100, "clusters"));
  return ListClustersRequest{std::move(page)};
}

Result<DeleteClusterRequest> decode_delete_cluster(const Json& body) {
  return DeleteClusterRequest{body["cluster"].get<std::string>()};
}

Result<UpdateClusterSettingsRequest> decode_update_cluster_settings(const Json& body) {
  UpdateClusterSettingsRequest request{body["cluster"].get<std::string>(), std::nullopt, std::nullopt, std::nullopt};
  if (body.contains("settings") && !body["settings"].empty()) {
    BERTH_ASSIGN(request.settings, normalize_cluster_settings(body["settings"]));
  }
  return request;
}

Result<UpdateClusterSettingsRequest> decode_update_cluster(const Json& body) {
  BERTH_ASSIGN(auto request, decode_update_cluster_settings(body));
  if (body.contains("configuration")) {
    const Json& exec = body["configuration"].value("executeCommandConfiguration", Json::object());
    if (exec.value("logging", "") == "OVERRIDE" && !exec.contains("logConfiguration")) {
      return fail(Code::invalid_parameter,
                  "executeCommandConfiguration.logConfiguration is required when logging is OVERRIDE.");
    }
    request.configuration = body["configuration"];
  }
  if (body.contains("serviceConnectDefaults")) {
    // ECS: an empty namespace removes the cluster's default.
    const std::string name = body["serviceConnectDefaults"]["namespace"].get<std::string>();
    request.service_connect_defaults = name.empty() ? Json() : Json{{"namespace", name}};
  }
  return request;
}

Json encode_cluster_reply(const ClusterReply& reply, const ArnScope& arns) {
  return Json{{"cluster", cluster_description_to_json(reply.cluster, arns)}};
}

Json encode_describe_clusters(const DescribeClustersReply& reply, const ArnScope& arns) {
  Json clusters = Json::array();
  for (const auto& d : reply.clusters) clusters.push_back(cluster_description_to_json(d, arns));
  return Json{{"clusters", std::move(clusters)}, {"failures", failures_to_json(reply.failures)}};
}

Json encode_list_clusters(const Page& page) { return page_to_json("clusterArns", page); }

}  // namespace berth::model
