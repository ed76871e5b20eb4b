// Typed requests and replies of the cluster actions (CreateCluster, DescribeClusters,
// ListClusters, DeleteCluster, UpdateClusterSettings, UpdateCluster): decoders from the shape-checked body, validated once with ECS's
// errors, and encoders to the wire. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/cluster.hpp"
#include "model/failure.hpp"
#include "model/paging.hpp"
#include "model/tags.hpp"

namespace berth::model {

// A cluster as a reply shows it: what the store holds plus what was asked to be included.
struct ClusterDescription {
  Cluster cluster;
  ClusterCounts counts;
  bool with_settings = false;
  bool with_statistics = false;
  std::optional<std::vector<Tag>> tags;  // present when TAGS was asked for
};

struct CreateClusterRequest {
  Cluster cluster;  // name (default "default"), settings with their default, capacity members
  std::vector<Tag> tags;
  // False when the request set no containerInsights: the account's default applies
  // (svc::create_cluster), as ECS does.
  bool insights_given = false;
};

struct DescribeClustersRequest {
  std::vector<std::string> clusters;  // names or ARNs; empty = the default cluster
  bool with_settings = false;
  bool with_statistics = false;
  bool with_tags = false;
};

struct ListClustersRequest {
  PageRequest page;
};

struct DeleteClusterRequest {
  std::string cluster;  // name or ARN
};

// UpdateClusterSettings, and UpdateCluster (which may also give configuration and
// serviceConnectDefaults). Nothing = leave it as it is.
struct UpdateClusterSettingsRequest {
  std::string cluster;            // name or ARN
  std::optional<Json> settings;   // normalized
  // Kept and returned: berth's ExecuteCommand does not log, and it has no managed storage.
  std::optional<Json> configuration;
  // {"namespace": ...}; null when the namespace given is "" (ECS then removes the default).
  std::optional<Json> service_connect_defaults;
};

// {"cluster": ...}: CreateCluster's and DeleteCluster's reply.
struct ClusterReply {
  ClusterDescription cluster;
};

struct DescribeClustersReply {
  std::vector<ClusterDescription> clusters;
  std::vector<Failure> failures;
};

// Decoders. Errors: InvalidParameterException for a bad cluster name, tag, setting, list size
// or nextToken.
[[nodiscard]] Result<CreateClusterRequest> decode_create_cluster(const Json& body);
[[nodiscard]] Result<DescribeClustersRequest> decode_describe_clusters(const Json& body);
[[nodiscard]] Result<ListClustersRequest> decode_list_clusters(const Json& body);
[[nodiscard]] Result<DeleteClusterRequest> decode_delete_cluster(const Json& body);
// UpdateCluster: InvalidParameterException for an executeCommandConfiguration whose logging is
// OVERRIDE without a logConfiguration (as ECS).
[[nodiscard]] Result<UpdateClusterSettingsRequest> decode_update_cluster_settings(const Json& body);
[[nodiscard]] Result<UpdateClusterSettingsRequest> decode_update_cluster(const Json& body);

// Encoders.
Json encode_cluster_reply(const ClusterReply& reply, const ArnScope& arns);
Json encode_describe_clusters(const DescribeClustersReply& reply, const ArnScope& arns);
Json encode_list_clusters(const Page& page);

}  // namespace berth::model
