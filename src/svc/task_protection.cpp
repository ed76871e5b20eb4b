// Task scale-in protection use cases: UpdateTaskProtection and GetTaskProtection, on typed
// requests (model/task_protection_requests.hpp). The service scheduler honours what they set
// (sched/reconcile.hpp).
#include <map>

#include "model/task_protection_requests.hpp"
#include "svc/actions.hpp"

namespace berth::svc {
namespace {

// The reply about the tasks `texts` names (ids or ARNs), in their order, from the protection rows
// of those that exist: TASK_NOT_FOUND for the others, protection_refusal's reason for a task
// that takes no protection.
model::TaskProtectionReply reply_about(const Context& ctx, const std::string& cluster,
                                       const std::vector<std::string>& texts,
                                       const std::vector<model::TaskProtection>& rows, EpochMs now) {
  std::map<std::string, const model::TaskProtection*> by_id;
  for (const auto& row : rows) by_id[row.task_id] = &row;
  model::TaskProtectionReply reply{cluster, {}, {}};
  for (const auto& text : texts) {
    const auto id = resource_id_of(ctx, cluster, "task", text);
    const auto row = id ? by_id.find(*id) : by_id.end();
    if (row == by_id.end()) {
      reply.failures.push_back({is_arn(text) ? text : ctx.arns.task(cluster, text), "TASK_NOT_FOUND",
                                "The task was not found in cluster " + cluster + "."});
      continue;
    }
    const model::TaskProtection& task = *row->second;
    if (const auto refusal = model::protection_refusal(task)) {
      reply.failures.push_back({ctx.arns.task(cluster, task.task_id), refusal->reason, refusal->detail});
      continue;
    }
    reply.tasks.push_back(model::protected_task_of(task, now));
  }
  return reply;
}

// The ids `texts` names in `cluster` (those that name none are left out).
std::vector<std::string> ids_of(const Context& ctx, const std::string& cluster, const std::vector<std::string>& texts) {
  std::vector<std::string> ids;
  for (const auto& text : texts) {
    if (auto id = resource_id_of(ctx, cluster, "task", text)) ids.push_back(std::move(*id));
  }
  return ids;
}

}  // namespace

Result<model::TaskProtectionReply> update_task_protection(Context& ctx,
                                                          const model::UpdateTaskProtectionRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, std::optional<std::string>(request.cluster)));
  const EpochMs now = ctx.clock.now_ms();
  std::optional<EpochMs> until;
  if (request.protection_enabled) until = now + EpochMs{request.expires_in_minutes} * 60'000;
  BERTH_ASSIGN(auto rows, ctx.store.set_task_protection(cluster, ids_of(ctx, cluster, request.tasks), until));
  // Removed protection may free tasks the service scheduler holds above a desired count: the
  // announcement wakes it (cli/daemon.cpp) rather than leaving them to its next tick.
  if (!request.protection_enabled) ctx.tasks_changed();
  return reply_about(ctx, cluster, request.tasks, rows, now);
}

Result<model::TaskProtectionReply> get_task_protection(Context& ctx, const model::GetTaskProtectionRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, std::optional<std::string>(request.cluster)));
  const EpochMs now = ctx.clock.now_ms();
  if (!request.tasks) {
    BERTH_ASSIGN(auto rows, ctx.store.protected_tasks(cluster, now, model::k_max_protection_reads));
    model::TaskProtectionReply reply{cluster, {}, {}};
    for (const auto& row : rows) reply.tasks.push_back(model::protected_task_of(row, now));
    return reply;
  }
  BERTH_ASSIGN(auto rows, ctx.store.task_protections(cluster, ids_of(ctx, cluster, *request.tasks)));
  return reply_about(ctx, cluster, *request.tasks, rows, now);
}

}  // namespace berth::svc
