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
  const std::string id = request.value(member, ctx.default_cluster);
  const auto name = cluster_name_of(ctx, id);
  if (!name) return fail(Code::cluster_not_found, "Cluster not found.");
  BERTH_ASSIGN(auto cluster, ctx.store.find_cluster(*name));
  if (!cluster || cluster->status != "ACTIVE") {
    return fail(Code::cluster_not_found, "Cluster not found.");
  }
  return *name;
}

void set_next_token(Json& response, bool more, const std::string& list_name,
                    const std::string& last_key) {
  if (more) response["nextToken"] = model::make_next_token(list_name, last_key);
}

std::vector<std::string> strings_of(const Json& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.get<std::string>());
  return out;
}

}  // namespace berth::svc
