#include "svc/task_tags.hpp"

#include "model/daemon.hpp"
#include "svc/actions.hpp"

namespace berth::svc {

std::string definition_tag_key(const model::TaskDefinition& definition) {
  return "task-definition/" + definition.family + ":" + std::to_string(definition.revision);
}

namespace {

Result<std::vector<model::Tag>> definition_tags(Context& ctx, const model::TaskTagging& tagging,
                                                const model::TaskDefinition& definition) {
  if (tagging.propagate != model::PropagateTags::task_definition) return std::vector<model::Tag>();
  return ctx.store.tags_of(definition_tag_key(definition));
}

}  // namespace

Result<std::vector<model::Tag>> launched_task_tags(Context& ctx, const std::string& cluster,
                                                   const model::TaskDefinition& definition,
                                                   const model::TaskTagging& tagging,
                                                   const std::vector<model::Tag>& tags) {
  model::TaskTagSources sources;
  sources.cluster = cluster;
  BERTH_ASSIGN(sources.definition_tags, definition_tags(ctx, tagging, definition));
  sources.own_tags = tags;
  return model::task_tags(tagging, sources);
}

Result<std::vector<model::Tag>> service_task_tags(Context& ctx, const std::string& cluster, const std::string& name,
                                                  const model::TaskDefinition& definition) {
  BERTH_ASSIGN(auto service, ctx.store.find_service(cluster, name));
  if (!service) return std::vector<model::Tag>();
  model::TaskTagSources sources;
  sources.cluster = cluster;
  sources.service = name;
  BERTH_ASSIGN(sources.definition_tags, definition_tags(ctx, service->tagging, definition));
  if (service->tagging.propagate == model::PropagateTags::service) {
    // A daemon's backing service propagates the daemon's tags (its propagateTags DAEMON).
    const std::string owner = model::is_backing_service(name)
                                  ? "daemon/" + cluster + "/" + name.substr(model::backing_service_name("").size())
                                  : "service/" + cluster + "/" + name;
    BERTH_ASSIGN(sources.service_tags, ctx.store.tags_of(owner));
  }
  return model::task_tags(service->tagging, sources);
}

}  // namespace berth::svc
