#include "api/http_server.hpp"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <thread>

// A keep-alive connection holds a worker; 8 serve a gateway's handful of local clients without
// starving any, and idle workers cost almost no memory.
#define CPPHTTPLIB_THREAD_POOL_COUNT 8
// Replies go out as headers then body; without NODELAY, Nagle and delayed ACKs stall each one.
#define CPPHTTPLIB_TCP_NODELAY true
#include <httplib.h>

#include "api/dispatch.hpp"
#include "api/scheduler_dispatch.hpp"
#include "svc/logs.hpp"
#include "common/ids.hpp"
#include "common/log.hpp"

namespace berth::api {

struct HttpServer::Impl {
  svc::Context& ctx;
  httplib::Server tcp;
  httplib::Server unix_socket;
  std::thread tcp_thread;
  std::thread unix_thread;
  int port = 0;
  std::string socket_path;
  bool stopped = false;

  explicit Impl(svc::Context& c) : ctx(c) {}
};

namespace {

void send(httplib::Response& res, const Reply& reply, std::string_view content_type = k_json_content_type) {
  res.status = reply.status;
  res.set_header("x-amzn-RequestId", random_uuid());
  if (!reply.error_type.empty()) res.set_header("x-amzn-ErrorType", reply.error_type);
  res.set_content(reply.body, std::string(content_type));
}

// EventBridge Scheduler's REST-JSON routes: /schedules and /schedules/{Name}.
void route_scheduler(httplib::Server& server, svc::Context& ctx) {
  const auto handle = [&ctx](std::string_view action, const httplib::Request& req, httplib::Response& res,
                             std::initializer_list<std::pair<const char*, const char*>> query_members) {
    model::Json members = model::Json::object();
    if (req.matches.size() > 1) members["Name"] = req.matches[1].str();
    for (const auto& [query, member] : query_members) {
      if (req.has_param(query)) members[member] = req.get_param_value(query);
    }
    send(res, handle_scheduler_request(ctx, action, members, req.body), "application/json");
  };
  const std::string one = R"(/schedules/([^/]+))";
  server.Get("/schedules", [handle](const httplib::Request& req, httplib::Response& res) {
    handle("ListSchedules", req, res,
           {{"ScheduleGroup", "GroupName"}, {"NamePrefix", "NamePrefix"}, {"State", "State"},
            {"MaxResults", "MaxResults"}, {"NextToken", "NextToken"}});
  });
  server.Get(one, [handle](const httplib::Request& req, httplib::Response& res) {
    handle("GetSchedule", req, res, {{"groupName", "GroupName"}});
  });
  server.Post(one, [handle, &ctx](const httplib::Request& req, httplib::Response& res) {
    // An ECS client whose --endpoint-url ends in /schedules/x still means ECS.
    if (req.has_header("X-Amz-Target")) {
      send(res, handle_ecs_request(ctx, req.get_header_value("X-Amz-Target"), req.body));
      return;
    }
    handle("CreateSchedule", req, res, {});
  });
  server.Put(one, [handle](const httplib::Request& req, httplib::Response& res) {
    handle("UpdateSchedule", req, res, {});
  });
  server.Delete(one, [handle](const httplib::Request& req, httplib::Response& res) {
    handle("DeleteSchedule", req, res, {{"groupName", "GroupName"}, {"clientToken", "ClientToken"}});
  });
}

void configure(httplib::Server& server, svc::Context& ctx, std::size_t max_body) {
  server.set_payload_max_length(max_body);
  server.set_keep_alive_max_count(1000);
  const auto handler = [&ctx](const httplib::Request& req, httplib::Response& res) {
    send(res, handle_ecs_request(ctx, req.get_header_value("X-Amz-Target"), req.body));
  };
  route_scheduler(server, ctx);
  // Any path: an --endpoint-url with a path is used as-is by the AWS clients.
  server.Post(R"(/.*)", handler);
  // REST for device apps and `berth logs`: a task's container output.
  server.Get(R"(/v1/tasks/(.+)/logs)", [&ctx](const httplib::Request& req, httplib::Response& res) {
    const auto since_text = req.get_param_value("since");
    const std::size_t since = since_text.empty() ? 0 : std::strtoull(since_text.c_str(), nullptr, 10);
    auto logs = svc::task_logs(ctx, req.get_param_value("cluster"), req.matches[1], req.get_param_value("container"), since);
    if (!logs) {
      send(res, error_reply(logs.error()));
      return;
    }
    res.set_header("x-amzn-RequestId", random_uuid());
    res.set_content(logs->dump(-1, ' ', false, model::Json::error_handler_t::replace), "application/json");
  });
  const httplib::Server::HandlerWithResponse on_error = [max_body](const httplib::Request&,
                                                                   httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 413) {
      send(res, error_reply({Code::payload_too_large,
                             "The request body is larger than " + std::to_string(max_body) + " bytes."}));
    } else if (res.status == 404 || res.status == 405) {
      send(res, error_reply({Code::unknown_operation, "The ECS API takes POST requests."}));
    } else {
      send(res, error_reply({Code::serialization, "The HTTP request could not be read."}));
    }
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(on_error);
}

Result<std::pair<std::string, int>> split_host_port(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return fail(Code::invalid_parameter, "listen address must be host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = listen.substr(colon + 1);
  char* end = nullptr;
  const long n = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || n < 0 || n > 65535) {
    return fail(Code::invalid_parameter, "bad port in listen address '" + listen + "'");
  }
  return std::make_pair(host, static_cast<int>(n));
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::tcp_port() const { return m_impl->port; }

Result<std::unique_ptr<HttpServer>> HttpServer::start(svc::Context& ctx, const ServerOptions& options) {
  auto impl = std::make_unique<Impl>(ctx);
  if (!options.listen.empty()) {
    BERTH_ASSIGN(auto host_port, split_host_port(options.listen));
    configure(impl->tcp, ctx, options.max_body_bytes);
    if (host_port.second == 0) {
      impl->port = impl->tcp.bind_to_any_port(host_port.first);
      if (impl->port <= 0) return fail(Code::server, "cannot listen on " + options.listen, errno);
    } else {
      if (!impl->tcp.bind_to_port(host_port.first, host_port.second)) {
        return fail(Code::server, "cannot listen on " + options.listen, errno);
      }
      impl->port = host_port.second;
    }
  }
  if (!options.socket_path.empty()) {
    if (options.socket_path.size() >= sizeof(sockaddr_un::sun_path)) {
      return fail(Code::invalid_parameter, "unix socket path is too long: " + options.socket_path);
    }
    configure(impl->unix_socket, ctx, options.max_body_bytes);
    impl->unix_socket.set_address_family(AF_UNIX);
    ::unlink(options.socket_path.c_str());  // a stale socket from an earlier run blocks bind
    if (!impl->unix_socket.bind_to_port(options.socket_path, 80)) {
      return fail(Code::server, "cannot listen on unix socket " + options.socket_path, errno);
    }
    if (::chmod(options.socket_path.c_str(), 0660) != 0) {
      return fail(Code::server, "cannot set mode 0660 on " + options.socket_path, errno);
    }
    impl->socket_path = options.socket_path;
  }
  Impl* raw = impl.get();
  if (!options.listen.empty()) raw->tcp_thread = std::thread([raw] { raw->tcp.listen_after_bind(); });
  if (!options.socket_path.empty()) {
    raw->unix_thread = std::thread([raw] { raw->unix_socket.listen_after_bind(); });
  }
  // stop() is a no-op on a server whose loop has not started yet; wait so it always works.
  const auto wait_running = [](httplib::Server& server, bool wanted) {
    for (int i = 0; wanted && !server.is_running() && i < 5000; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  wait_running(raw->tcp, !options.listen.empty());
  wait_running(raw->unix_socket, !options.socket_path.empty());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::stop() {
  if (!m_impl || m_impl->stopped) return;
  m_impl->stopped = true;
  m_impl->tcp.stop();
  m_impl->unix_socket.stop();
  if (m_impl->tcp_thread.joinable()) m_impl->tcp_thread.join();
  if (m_impl->unix_thread.joinable()) m_impl->unix_thread.join();
  if (!m_impl->socket_path.empty()) ::unlink(m_impl->socket_path.c_str());
}

}  // namespace berth::api
