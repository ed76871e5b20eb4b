#include "svc/task_metadata.hpp"

namespace berth::svc {

Result<std::optional<TaskWithDefinition>> find_task_with_definition(Context& ctx, const std::string& cluster,
                                                                    const std::string& task_id) {
  BERTH_ASSIGN(auto task, ctx.store.find_task(cluster, task_id));
  if (!task) return std::optional<TaskWithDefinition>();
  BERTH_ASSIGN(auto definition, ctx.store.find_task_definition(task->family, task->revision));
  if (!definition) return std::optional<TaskWithDefinition>();
  return std::optional<TaskWithDefinition>(TaskWithDefinition{std::move(*task), std::move(definition->body)});
}

std::optional<ContainerReadings> container_readings(const Context& ctx, const std::string& task_arn,
                                                    const std::string& container_name) {
  if (!ctx.metrics) return std::nullopt;
  return ctx.metrics->container(task_arn, container_name);
}

}  // namespace berth::svc
