#include "agent/server_link.hpp"

#include <algorithm>

#include "agent/desired_state_mirror.hpp"
#include "common/log.hpp"
#include "runtime/shim/log_cursor_reader.hpp"

namespace berth::agent {

ServerLink::ServerLink(store::Store& store, ControlPlane& server, JoinedRegistrar& registrar, const Clock& clock,
                       std::function<void()> wake_agent, NodeAnswers answers, ServerLinkSettings settings)
    : m_store(store), m_server(server), m_registrar(registrar), m_clock(clock), m_wake_agent(std::move(wake_agent)),
      m_answers(std::move(answers)), m_settings(settings), m_reporter(store, server, clock) {}

ServerLink::~ServerLink() { stop(); }

void ServerLink::start() {
  m_reporter_worker.start("agent reporter", m_settings.report_tick, [this] { report_once(); });
  m_poller = std::thread([this] { poll_loop(); });
}

void ServerLink::stop() {
  {
    MutexLock lock(m_mutex);
    m_stopping = true;
  }
  m_wakeup.notify_all();
  m_poll_cancel.cancel();
  if (m_poller.joinable()) m_poller.join();
  m_reporter_worker.stop();
  m_command_workers.stop();
}

bool ServerLink::pause_for(std::chrono::milliseconds pause) {
  MutexLock lock(m_mutex);
  const auto deadline = std::chrono::steady_clock::now() + pause;
  while (!m_stopping) {
    if (lock.wait_until(m_wakeup, deadline) == std::cv_status::timeout) break;
  }
  return !m_stopping;
}

bool ServerLink::poll_once() {
  try {
    return poll_and_mirror();
  } catch (const std::exception& e) {
    log_error("server link: a poll failed: " + std::string(e.what()) + "; trying again");
  } catch (...) {
    log_error("server link: a poll failed: unknown exception; trying again");
  }
  return false;
}

int ServerLink::poll_wait_seconds(const JoinedIdentity& identity) const {
  const int wait = identity.poll_wait_seconds > 0 ? identity.poll_wait_seconds : m_settings.default_poll_wait_seconds;
  return std::clamp(wait, 0, m_settings.max_poll_wait_seconds);
}

bool ServerLink::poll_and_mirror() {
  const auto identity = m_registrar.identity();
  auto reply = m_server.poll(identity, m_cursor, poll_wait_seconds(identity), m_poll_cancel);
  if (!reply && m_poll_cancel.cancelled()) return false;  // stopping: nothing to tell
  if (!reply) {
    if (m_answering && unanswered(reply.error())) {
      log_warn("the serving gateway does not answer the poll (" + reply.error().message +
               "); the tasks here keep running; trying again");
    } else if (m_answering) {
      // It answered: this node's key or instance is gone (`berth key rm`, a deregistration).
      log_error("the serving gateway refuses the poll (" + reply.error().message +
                "); the tasks here keep running; a new join token makes this node an instance again");
    }
    m_answering = false;
    return false;
  }
  if (!m_answering) {
    log_info("the serving gateway answers again: reporting what happened meanwhile and taking its desired state");
    m_answering = true;
    m_reporter_worker.wake();
  }
  // A node whose registration failed at start registers again (its resources) now.
  (void)m_registrar.register_again();
  // The desired state is the one of m_cursor, applied already, and nothing else is asked: the
  // store, the secrets held and the agent stay as they are.
  if (reply->unchanged) return true;
  // Someone waits for these on the server, whatever becomes of the rest of the reply.
  answer_log_requests(identity, reply->log_requests);
  run_commands(identity, reply->exec_requests);
  for (const auto& relay : reply->relay_requests) {
    if (m_answers.serve_relay) m_answers.serve_relay(identity, relay);
  }
  // Before the tasks that need them are mirrored, and so started.
  if (m_answers.secrets) m_answers.secrets->replace(std::move(reply->secrets));
  auto applied = apply_desired_state(m_store, identity.instance_id, *reply, m_clock.now_ms());
  if (!applied) {
    log_error("cannot keep the desired state the server sent: " + applied.error().message);
    return true;  // the cursor stays: the same state comes again (after a pause, see poll_loop)
  }
  if (applied->changed()) {
    log_debug("desired state: " + std::to_string(applied->added) + " new, " + std::to_string(applied->stopping) +
              " to stop, " + std::to_string(applied->fenced) + " no longer listed");
    m_wake_agent();
  }
  m_cursor = reply->cursor;
  return true;
}

void ServerLink::answer_log_requests(const JoinedIdentity& identity, const std::vector<model::LogRequest>& requests) {
  for (const auto& request : requests) {
    model::SubmitTaskLogsRequest answer{identity.cluster, identity.instance_arn, request.id, {}, {}, {}};
    if (request.cursors && m_answers.read_logs_after) {
      answer_from_cursors(request, answer);
    } else {
      answer_newest(request, answer);
    }
    if (auto sent = m_server.submit_task_logs(identity, answer); !sent) {
      log_warn("cannot send the logs the server asked for: " + sent.error().message);
    }
  }
}

void ServerLink::answer_from_cursors(const model::LogRequest& request, model::SubmitTaskLogsRequest& answer) {
  // The containers share the bound, in the order asked; one the bound left nothing for keeps its
  // cursor and says it has more.
  std::size_t budget = std::min(request.max_bytes, model::k_max_submitted_log_bytes);
  for (const auto& runtime_id : request.runtime_ids) {
    const auto found = request.cursors->find(runtime_id);
    const auto from = found == request.cursors->end() ? std::nullopt : std::optional(found->second);
    if (budget == 0) {
      answer.logs[runtime_id] = model::Json::array();
      answer.cursors[runtime_id] = from.value_or(model::LogCursor{});
      answer.more.insert(runtime_id);
      continue;
    }
    auto chunk = m_answers.read_logs_after(runtime_id, from, budget);
    for (const auto& line : chunk.lines) {
      budget -= std::min(budget, line.value("text", "").size() + runtime::k_log_line_overhead);
    }
    answer.logs[runtime_id] = std::move(chunk.lines);
    answer.cursors[runtime_id] = chunk.next;
    if (chunk.more) answer.more.insert(runtime_id);
  }
}

void ServerLink::answer_newest(const model::LogRequest& request, model::SubmitTaskLogsRequest& answer) {
  std::size_t budget = model::k_max_submitted_log_bytes;
  for (const auto& runtime_id : request.runtime_ids) {
    const model::Json lines = m_answers.read_logs ? m_answers.read_logs(runtime_id) : model::Json::array();
    // The newest lines that fit what is left of the budget, oldest first.
    std::size_t first = lines.is_array() ? lines.size() : 0;
    while (first > 0) {
      const std::size_t size = lines[first - 1].value("text", "").size() + runtime::k_log_line_overhead;
      if (size > budget) break;
      budget -= size;
      --first;
    }
    model::Json kept = model::Json::array();
    for (std::size_t i = first; lines.is_array() && i < lines.size(); ++i) kept.push_back(lines[i]);
    answer.logs[runtime_id] = std::move(kept);
  }
}

void ServerLink::run_commands(const JoinedIdentity& identity, const std::vector<model::ExecRequest>& requests) {
  const auto send = [this, identity](model::SubmitExecResultRequest answer) {
    if (auto sent = m_server.submit_exec_result(identity, answer); !sent) {
      log_warn("cannot send the result of a command the server asked for: " + sent.error().message);
    }
  };
  for (const auto& request : requests) {
    model::SubmitExecResultRequest answer{identity.cluster, identity.instance_arn, request.id, std::nullopt, std::nullopt};
    if (!m_answers.run_command) {
      answer.refusal = Error{Code::server, "This joined gateway runs no commands."};
      send(std::move(answer));
      continue;
    }
    const bool taken = m_command_workers.try_submit([this, send, request, answer]() mutable {
      auto ran = m_answers.run_command(request.runtime_id, request.argv);
      if (ran) {
        answer.outcome = std::move(*ran);
      } else {
        answer.refusal = ran.error();
      }
      send(std::move(answer));
    });
    if (!taken) {
      answer.refusal = Error{Code::limit_exceeded, "Too many commands wait on this joined gateway; retry when one has ended."};
      send(std::move(answer));
    }
  }
}

void ServerLink::poll_loop() {
  auto pause = std::chrono::milliseconds(1000);
  while (true) {
    {
      MutexLock lock(m_mutex);
      if (m_stopping) return;
    }
    const auto before_cursor = m_cursor;
    const auto began = std::chrono::steady_clock::now();
    if (!poll_once()) {
      if (!pause_for(pause)) return;
      pause = std::min(pause * 2, m_settings.max_retry_pause);
      continue;
    }
    pause = std::chrono::milliseconds(1000);
    // The server answers a poll at once when it cannot park it (too many waiting, or stopping),
    // and the cursor stays where it was when the reply could not be kept: the same cursor after
    // a quick answer means pause before asking again.
    if (m_cursor == before_cursor && std::chrono::steady_clock::now() - began < std::chrono::seconds(1)) {
      if (!pause_for(std::chrono::seconds(2))) return;
    }
  }
}

void ServerLink::report_once() {
  auto outcome = m_reporter.report(m_registrar.identity());
  if (!outcome) {
    log_error("cannot read the tasks to report: " + outcome.error().message);
    return;
  }
  if (outcome->task_reports + outcome->container_reports > 0) {
    log_debug("reported " + std::to_string(outcome->task_reports) + " task and " +
              std::to_string(outcome->container_reports) + " container state changes");
  }
}

}  // namespace berth::agent
