#include "api/http_server.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "api/http_event_loop.hpp"
#include "api/http_routes.hpp"
#include "api/reserved_ports.hpp"

namespace berth::api {
namespace {

constexpr int k_listen_backlog = 128;

// Returns a listening TCP socket on `listen` and its port.
Result<std::pair<int, int>> listen_tcp(const std::string& listen, Bind bind) {
  BERTH_ASSIGN(const int fd, bind_tcp(listen, bind));
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  if (::listen(fd, k_listen_backlog) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    const int saved_errno = errno;
    ::close(fd);
    return fail(Code::server, "cannot listen on " + listen + ": " + std::strerror(saved_errno), saved_errno);
  }
  const int port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(bound).sin6_port)
                                               : ntohs(reinterpret_cast<sockaddr_in&>(bound).sin_port);
  return std::make_pair(fd, port);
}

// Returns a listening, non-blocking unix socket at `path`, mode 0660.
Result<int> listen_unix(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) return fail(Code::invalid_parameter, "unix socket path is too long: " + path);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return sys_fail("cannot create unix socket " + path);
  ::unlink(path.c_str());  // a stale socket from an earlier run blocks bind
  // Mode 0660 is set before listen(): nobody else can connect in between.
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    auto error = sys_fail("cannot listen on unix socket " + path);
    ::close(fd);
    return error;
  }
  if (::chmod(path.c_str(), 0660) != 0 || ::listen(fd, k_listen_backlog) != 0) {
    auto error = sys_fail("cannot set mode 0660 on and listen on " + path);
    ::close(fd);
    return error;
  }
  return fd;
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<HttpEventLoop> loop, int port, std::string socket_path)
    : m_loop(std::move(loop)), m_port(port), m_socket_path(std::move(socket_path)) {}

HttpServer::~HttpServer() { stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::start(ApiServices& api, const ServerOptions& options) {
  return start([&api](const HttpRequest& request, const HttpPeer& peer) { return route_request(api, request, peer); },
               options);
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpHandler handler, const ServerOptions& options) {
  std::vector<HttpListener> listeners;
  const auto close_listeners = [&listeners] {
    for (const auto& l : listeners) ::close(l.fd);
  };
  int port = 0;
  if (!options.listen.empty()) {
    auto tcp = listen_tcp(options.listen, Bind::local_address);
    if (!tcp) return std::unexpected(tcp.error());
    listeners.push_back({tcp->first, HttpListener::Kind::tcp, options.tls});
    port = tcp->second;
  }
  for (const auto& also : options.listen_also) {
    auto tcp = listen_tcp(also, Bind::any_address);
    if (!tcp) {
      close_listeners();
      return std::unexpected(tcp.error());
    }
    listeners.push_back({tcp->first, HttpListener::Kind::tcp, options.tls});
  }
  if (!options.socket_path.empty()) {
    auto unix_fd = listen_unix(options.socket_path);
    if (!unix_fd) {
      close_listeners();
      return std::unexpected(unix_fd.error());
    }
    listeners.push_back({*unix_fd, HttpListener::Kind::unix_socket});
  }
  HttpLoopOptions loop_options;
  loop_options.limits = {options.max_header_bytes, options.max_header_count, options.max_body_bytes};
  loop_options.request_timeout = options.request_timeout;
  loop_options.idle_timeout = options.idle_timeout;
  loop_options.max_connections = options.max_connections;
  loop_options.max_connections_per_peer = options.max_connections_per_peer;
  loop_options.workers = options.workers;
  loop_options.queue_depth = options.queue_depth;
  BERTH_ASSIGN(auto loop, HttpEventLoop::start(std::move(listeners), loop_options, std::move(handler)));
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(loop), port, options.socket_path));
}

void HttpServer::stop() {
  MutexLock lock(m_stop_mutex);
  if (!m_loop) return;
  m_loop->stop();
  m_loop.reset();
  if (!m_socket_path.empty()) ::unlink(m_socket_path.c_str());
}

}  // namespace berth::api
