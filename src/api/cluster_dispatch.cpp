#include "api/cluster_dispatch.hpp"

#include <map>

#include "model/instance_poll.hpp"
#include "model/join_tokens.hpp"
#include "svc/cluster_join.hpp"
#include "svc/instance_poll.hpp"
#include "svc/remote_exec.hpp"

namespace berth::api {
namespace {

struct ClusterAction {
  const model::Shape& shape;
  UseCase use_case;
  DeferredUseCase deferred = nullptr;  // the HTTP server's way to run it (parked off its workers)
};

}  // namespace

Decoded decode_cluster_request(std::string_view target, std::string_view body) {
  static const std::map<std::string, ClusterAction, std::less<>> k_actions = {
      {"CreateJoinToken",
       {model::create_join_token_shape(),
        typed_use_case<model::decode_create_join_token, svc::create_join_token, model::encode_create_join_token>}},
      {"JoinCluster",
       {model::join_cluster_shape(),
        typed_use_case<model::decode_join_cluster, svc::join_cluster, model::encode_join_cluster>}},
      {"PollInstanceTasks",
       {model::poll_instance_tasks_shape(),
        typed_use_case<model::decode_poll_instance_tasks, svc::poll_instance_tasks, model::encode_poll_instance_tasks>,
        typed_deferred_use_case<model::decode_poll_instance_tasks, svc::start_poll, model::encode_poll_instance_tasks>}},
      {"SubmitTaskLogs",
       {model::submit_task_logs_shape(),
        typed_use_case<model::decode_submit_task_logs, svc::submit_task_logs, model::encode_acknowledgment>}},
      {"SubmitExecResult",
       {model::submit_exec_result_shape(),
        typed_use_case<model::decode_submit_exec_result, svc::submit_exec_result, model::encode_acknowledgment>}},
  };
  const std::string_view action =
      target.starts_with(k_cluster_target_prefix) ? target.substr(k_cluster_target_prefix.size()) : std::string_view();
  const auto it = k_actions.find(action);
  if (it == k_actions.end()) {
    return std::unexpected(error_reply({Code::unknown_operation, "berth does not support the operation '" +
                                                                      std::string(target) + "'"}));
  }
  auto request = model::decode_request_body(body, it->second.shape);
  if (!request) return std::unexpected(error_reply(request.error()));
  return DecodedCall{std::string(action), it->second.use_case, std::move(*request), error_reply, it->second.deferred};
}

}  // namespace berth::api
