#include "svc/context.hpp"

#include "model/paging.hpp"

namespace berth::svc {

std::optional<std::string> cluster_name_of(const Context& ctx, const std::string& id) {
  return ctx.arns.cluster_name_of(id);
}

std::optional<std::string> resource_id_of(const Context& ctx, const std::string& cluster,
                                          std::string_view resource_type, const std::string& text) {
  return ctx.arns.resource_id_of(cluster, resource_type, text);
}

Result<std::string> resolve_active_cluster(Context& ctx, const Json& request, const char* member) {
  return resolve_active_cluster(ctx, std::optional<std::string>(request.value(member, ctx.default_cluster)));
}

Result<std::string> resolve_active_cluster(Context& ctx, const std::optional<std::string>& cluster) {
  const std::string id = cluster.value_or(ctx.default_cluster);
  const auto name = cluster_name_of(ctx, id);
  if (!name) return fail(Code::cluster_not_found, "Cluster not found.");
  BERTH_ASSIGN(auto found, ctx.store.find_cluster(*name));
  if (!found || found->status != model::ClusterStatus::active) {
    return fail(Code::cluster_not_found, "Cluster not found.");
  }
  return *name;
}

void set_next_token(Json& response, bool more, const std::string& list_name,
                    const std::string& last_key) {
  if (auto token = next_token(more, list_name, last_key)) response["nextToken"] = std::move(*token);
}

std::optional<std::string> next_token(bool more, const std::string& list_name, const std::string& last_key) {
  if (!more) return std::nullopt;
  return model::make_next_token(list_name, last_key);
}

std::vector<std::string> strings_of(const Json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.get<std::string>());
  return out;
}

}  // namespace berth::svc
