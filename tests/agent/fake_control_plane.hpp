// A ControlPlane that keeps what the agent sent and answers what the test says: a reply to the
// next polls, a refusal, or no answer at all (`reachable` false: every call fails as an
// unreachable server's does). Thread-safe enough for tests that drive one link step at a time.
#pragma once

#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "agent/control_plane.hpp"

namespace berth::testing {

class FakeControlPlane final : public agent::ControlPlane {
 public:
  Result<agent::JoinedIdentity> join(const std::string& token, const model::NodeRegistration& node) override {
    joins.push_back(token);
    nodes.push_back(node);
    BERTH_TRY(answer());
    if (token != valid_token) return fail(Code::client, "JoinCluster: ClientException: The join token is not known.");
    return agent::JoinedIdentity{"edge", "arn:aws:ecs:local:000000000000:container-instance/edge/" + instance_id,
                                 instance_id, "AKIAJOINED", "secret", "local", "", poll_wait_seconds};
  }
  Result<void> register_again(const agent::JoinedIdentity& identity, const model::NodeRegistration& node) override {
    registrations.push_back(identity.instance_id);
    nodes.push_back(node);
    BERTH_TRY(answer());
    if (identity.access_key_id != "AKIAJOINED") return fail(Code::client, "UnrecognizedClientException: unknown key");
    return {};
  }
  Result<model::PollInstanceTasksReply> poll(const agent::JoinedIdentity&, const std::optional<std::string>& cursor,
                                             int wait_seconds, Cancellation&) override {
    cursors.push_back(cursor);
    waits.push_back(wait_seconds);
    if (throw_on_poll) throw std::runtime_error("poll exploded");
    BERTH_TRY(answer());
    return desired;
  }
  Result<void> submit_task_state_change(const agent::JoinedIdentity&, const model::SubmitTaskStateChangeRequest& r) override {
    BERTH_TRY(answer());
    if (refused_tasks.contains(r.task)) return fail(Code::invalid_parameter, "The referenced task was not found.");
    task_reports.push_back(r);
    return {};
  }
  Result<void> submit_container_state_change(const agent::JoinedIdentity&,
                                             const model::SubmitContainerStateChangeRequest& r) override {
    BERTH_TRY(answer());
    container_reports.push_back(r);
    return {};
  }

  Result<void> submit_task_logs(const agent::JoinedIdentity&, const model::SubmitTaskLogsRequest& r) override {
    BERTH_TRY(answer());
    log_answers.push_back(r);
    return {};
  }

  // Called from the link's command workers: kept under a lock.
  Result<void> submit_exec_result(const agent::JoinedIdentity&, const model::SubmitExecResultRequest& r) override {
    BERTH_TRY(answer());
    std::lock_guard lock(exec_mutex);
    exec_answers.push_back(r);
    return {};
  }
  std::vector<model::SubmitExecResultRequest> exec_answers_now() {
    std::lock_guard lock(exec_mutex);
    return exec_answers;
  }

  bool reachable = true;
  bool throw_on_poll = false;  // as a codec or the store might, on a bug
  std::string valid_token = "bjt-good";
  std::string instance_id = "1234567890abcdef1234567890abcdef";
  int poll_wait_seconds = 0;  // what the join reply says of the server's longest poll wait
  model::PollInstanceTasksReply desired;
  std::set<std::string> refused_tasks;
  std::vector<std::string> joins, registrations;
  std::vector<model::NodeRegistration> nodes;
  std::vector<std::optional<std::string>> cursors;
  std::vector<int> waits;  // each poll's wait_seconds
  std::vector<model::SubmitTaskStateChangeRequest> task_reports;
  std::vector<model::SubmitContainerStateChangeRequest> container_reports;
  std::vector<model::SubmitTaskLogsRequest> log_answers;
  std::mutex exec_mutex;
  std::vector<model::SubmitExecResultRequest> exec_answers;

 private:
  Result<void> answer() const {
    if (!reachable) return fail(Code::server, "cannot connect: Connection refused");
    return {};
  }
};

}  // namespace berth::testing
