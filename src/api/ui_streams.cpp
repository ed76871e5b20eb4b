#include "api/ui_streams.hpp"

#include <algorithm>

#include "api/auth/request_resources.hpp"
#include "svc/logs.hpp"

namespace berth::api {
namespace {

// A quiet stream sends a comment this many polls apart, so a client that went away without
// closing is found by a failed write rather than held until berth stops.
constexpr int k_keepalive_polls = 15;
// One "logs" event carries at most this much output; the rest follows at the next poll.
constexpr std::size_t k_max_logs_event_text = 256 * 1024;
// How long an EventSource waits before reconnecting (the page's own reader does the same).
constexpr std::string_view k_stream_preamble = "retry: 3000\n\n";

HttpResponse stream_head(std::shared_ptr<HttpStream> stream) {
  HttpResponse response{200, "text/event-stream", {{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}},
                        std::string(k_stream_preamble)};
  response.stream = std::move(stream);
  return response;
}

// Counts polls without news; says when a keep-alive comment is due.
class Quiet {
 public:
  std::string piece(std::string news) {
    if (!news.empty()) {
      m_polls = 0;
      return news;
    }
    if (++m_polls < k_keepalive_polls) return "";
    m_polls = 0;
    return ": keep-alive\n\n";
  }

 private:
  int m_polls = 0;
};

// Sends "change" with {"state": store changes, "readings": newest container reading} whenever
// either differs from what it sent last (the first poll always sends).
class ChangeStream final : public HttpStream {
 public:
  explicit ChangeStream(svc::Context& ctx) : m_ctx(ctx) {}

  std::optional<std::string> next() override {
    const std::int64_t state = m_ctx.store.change_count();
    EpochMs readings = 0;
    if (m_ctx.metrics) {
      for (const auto& container : m_ctx.metrics->containers()) {
        readings = std::max(readings, container.latest.stats.read_at);
      }
    }
    if (m_sent && state == m_state && readings == m_readings) return m_quiet.piece("");
    m_sent = true;
    m_state = state;
    m_readings = readings;
    return m_quiet.piece(sse_event("change", to_wire(model::Json{{"state", state}, {"readings", readings}})));
  }

 private:
  svc::Context& m_ctx;
  bool m_sent = false;
  std::int64_t m_state = 0;
  EpochMs m_readings = 0;
  Quiet m_quiet;
};

// Sends each batch of the task's new lines as "logs" (svc::task_logs' reply), then "end" and
// closes once the task has stopped and nothing is left; "error" and closes if the task cannot be
// read (gone, or its cluster).
class LogTailStream final : public HttpStream {
 public:
  LogTailStream(svc::Context& ctx, std::string cluster, std::string task, std::string container, std::size_t since)
      : m_ctx(ctx), m_cluster(std::move(cluster)), m_task(std::move(task)), m_container(std::move(container)), m_next(since) {}

  std::optional<std::string> next() override {
    if (m_ended) return std::nullopt;
    auto logs = svc::task_logs(m_ctx, m_cluster, m_task, m_container, m_next, k_max_logs_event_text, m_cursor);
    if (!logs) {
      m_ended = true;
      return sse_event("error", to_wire(model::Json{{"message", logs.error().message}}));
    }
    const auto& events = (*logs)["events"];
    const bool more = logs->value("more", false);
    std::string out;
    if (events.is_array() && !events.empty()) {
      m_next = logs->value("next", m_next);
      m_cursor = logs->value("cursor", m_cursor);
      out = sse_event("logs", to_wire(*logs));
    }
    // A stopped task writes nothing more: the tail ends once it has sent everything.
    if (logs->value("taskStatus", "") == "STOPPED" && !more) {
      m_ended = true;
      out += sse_event("end", "{}");
    }
    return m_quiet.piece(std::move(out));
  }

 private:
  svc::Context& m_ctx;
  const std::string m_cluster;
  const std::string m_task;
  const std::string m_container;
  std::size_t m_next;
  std::string m_cursor;  // a joined gateway's task: where its agent reads on (svc/logs.hpp)
  bool m_ended = false;
  Quiet m_quiet;
};

}  // namespace

HttpResponse change_events(ApiServices& api, const Caller& caller, const RequestTarget& target) {
  const auto it = target.query.find("cluster");
  model::Json members = model::Json::object();
  if (it != target.query.end() && !it->second.empty()) members["cluster"] = it->second;
  const auth::RequestContext context{api.ctx.arns, api.ctx.default_cluster, caller.user_name};
  for (const std::string_view action : {"ListTasks", "ListServices", "ListContainerInstances"}) {
    auto access = auth::requested_access(context, "ecs", action, members);
    if (!access) return to_response(error_reply(access.error()));
    if (auto denied = api.auth.authorize(caller, "berth", *access)) return to_response(auth_error_reply(*denied));
  }
  return stream_head(std::make_shared<ChangeStream>(api.ctx));
}

HttpResponse log_tail_events(svc::Context& ctx, std::string cluster, std::string task, std::string container,
                             std::size_t since) {
  return stream_head(std::make_shared<LogTailStream>(ctx, std::move(cluster), std::move(task), std::move(container), since));
}

}  // namespace berth::api
