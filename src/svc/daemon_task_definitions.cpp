// Daemon task definition use cases: Register, Describe, List, Delete. They are task definition
// rows of a reserved family (model/daemon.hpp), so agents run them like any other.
#include "svc/daemons.hpp"

namespace berth::svc {

Result<model::DaemonTaskDefinitionReply> register_daemon_task_definition(
    Context& ctx, const model::RegisterDaemonTaskDefinitionRequest& request) {
  BERTH_ASSIGN(auto td, ctx.store.register_task_definition(model::daemon_family(request.family), request.body,
                                                           request.tags, ctx.clock.now_ms()));
  return model::DaemonTaskDefinitionReply{std::move(td)};
}

Result<model::DaemonTaskDefinitionReply> describe_daemon_task_definition(Context& ctx,
                                                                         const model::DaemonTaskDefinitionRef& ref) {
  BERTH_ASSIGN(auto td, ctx.store.find_task_definition(model::daemon_family(ref.family), ref.revision));
  if (!td) return fail(Code::client, "Unable to describe daemon task definition.");
  return model::DaemonTaskDefinitionReply{std::move(*td)};
}

Result<model::DaemonTaskDefinitionsPage> list_daemon_task_definitions(
    Context& ctx, const model::ListDaemonTaskDefinitionsRequest& request) {
  store::DaemonTaskDefinitionQuery query;
  query.family_prefix = request.family_prefix;
  query.family = request.family;
  query.status = request.status;
  query.last_registered_only = request.last_registered_only;
  query.order = request.descending ? store::SortOrder::descending : store::SortOrder::ascending;
  query.after = request.page.after;
  query.limit = request.page.limit + 1;
  BERTH_ASSIGN(auto list, ctx.store.list_daemon_task_definitions(query));
  const bool more = list.size() > request.page.limit;
  if (more) list.resize(request.page.limit);
  model::DaemonTaskDefinitionsPage page;
  if (!list.empty()) {
    const auto& last = list.back();
    page.next_token = next_token(more, "daemonTaskDefinitions",
                                 model::daemon_family_name(last.family).value_or("") + ":" + std::to_string(last.revision));
  }
  page.definitions = std::move(list);
  return page;
}

Result<model::DaemonTaskDefinitionReply> delete_daemon_task_definition(Context& ctx,
                                                                       const model::DaemonTaskDefinitionRef& ref) {
  if (!ref.revision) {
    return fail(Code::client, "A revision is required to delete a daemon task definition: use family:revision or "
                              "the full ARN.");
  }
  const std::string family = model::daemon_family(ref.family);
  const auto missing = [] { return fail(Code::client, "The specified daemon task definition does not exist."); };
  BERTH_ASSIGN(auto found, ctx.store.find_task_definition(family, ref.revision));
  if (!found || found->status != model::TaskDefinitionStatus::active) return missing();
  // Judged again by the row the atomic move leaves: a concurrent delete wins once.
  BERTH_ASSIGN(auto td, ctx.store.set_task_definition_status(family, *ref.revision, model::TaskDefinitionStatus::active,
                                                             model::TaskDefinitionStatus::delete_in_progress,
                                                             ctx.clock.now_ms()));
  if (td.status != model::TaskDefinitionStatus::delete_in_progress) return missing();
  return model::DaemonTaskDefinitionReply{std::move(td)};
}

}  // namespace berth::svc
