#include "runtime/lb/http_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/ascii.hpp"
#include "common/log.hpp"

namespace berth::runtime::lb {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t k_max_head = 16 * 1024;
constexpr auto k_head_timeout = std::chrono::seconds(10);
constexpr auto k_connect_timeout = std::chrono::seconds(5);
constexpr int k_idle_timeout_ms = 60'000;
constexpr int k_accept_poll_ms = 250;

int remaining_ms(Clock::time_point deadline) {
  return static_cast<int>(std::max<long long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count(), 0));
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void answer(int fd, int status, std::string_view reason) {
  const std::string body = std::to_string(status) + " " + std::string(reason) + "\n";
  (void)send_all(fd, "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
                         "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\nConnection: close\r\nServer: berth\r\n\r\n" + body);
}

// Reads until the end of the request head ("\r\n\r\n"); what came after it stays in `head` too.
bool read_head(int fd, std::string& head, std::size_t& head_end) {
  const auto deadline = Clock::now() + k_head_timeout;
  char buffer[4096];
  while (true) {
    if (const auto end = head.find("\r\n\r\n"); end != std::string::npos) {
      head_end = end + 4;
      return true;
    }
    if (head.size() > k_max_head) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    head.append(buffer, static_cast<std::size_t>(n));
  }
}

// The request head with its Connection header replaced by "Connection: close", and its path and
// host (without port).
struct ParsedHead {
  std::string forwarded, path, host;
};
std::optional<ParsedHead> parse_head(std::string_view head) {
  const auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const auto first = request_line.find(' ');
  const auto second = request_line.find(' ', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
  ParsedHead out;
  std::string_view target = request_line.substr(first + 1, second - first - 1);
  out.path = std::string(target.substr(0, target.find('?')));
  out.forwarded = std::string(request_line) + "\r\n";
  std::size_t at = line_end + 2;
  while (at < head.size()) {
    const auto end = head.find("\r\n", at);
    if (end == std::string_view::npos || end == at) break;
    const std::string_view field = head.substr(at, end - at);
    at = end + 2;
    const auto colon = field.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view name = field.substr(0, colon);
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (equals_ignoring_case(name, "connection") || equals_ignoring_case(name, "keep-alive") ||
        equals_ignoring_case(name, "proxy-connection")) {
      continue;
    }
    if (equals_ignoring_case(name, "host")) out.host = std::string(value.substr(0, value.rfind(':') == std::string_view::npos ? value.size() : value.rfind(':')));
    out.forwarded += std::string(field) + "\r\n";
  }
  out.forwarded += "Connection: close\r\n\r\n";
  return out;
}

int connect_to(const model::Endpoint& endpoint) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(endpoint.port));
  if (::inet_pton(AF_INET, endpoint.address.c_str(), &address.sin_addr) != 1) return -1;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  int error = 0;
  socklen_t length = sizeof error;
  if (::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(k_connect_timeout).count())) <= 0 ||
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Relays bytes both ways until both directions end, or nothing moves for the idle timeout.
void relay(int client, int backend) {
  char buffer[16 * 1024];
  bool client_open = true, backend_open = true;
  while (backend_open) {
    pollfd fds[2] = {{client, static_cast<short>(client_open ? POLLIN : 0), 0}, {backend, POLLIN, 0}};
    const int n = ::poll(fds, 2, k_idle_timeout_ms);
    if (n <= 0) return;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const int from = i == 0 ? client : backend, to = i == 0 ? backend : client;
      const ssize_t got = ::recv(from, buffer, sizeof buffer, MSG_DONTWAIT);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (got <= 0) {
        if (i == 0) {
          client_open = false;
          ::shutdown(backend, SHUT_WR);
        } else {
          backend_open = false;
        }
        continue;
      }
      if (!send_all(to, std::string_view(buffer, static_cast<std::size_t>(got)))) return;
    }
  }
}

}  // namespace

struct HttpProxy::Port {
  int port = 0;
  int listen_fd = -1;
  std::atomic<bool> closing{false};
  Mutex mutex;
  model::HttpListenerPlan plan BERTH_GUARDED_BY(mutex);
  std::map<std::string, std::size_t> next BERTH_GUARDED_BY(mutex);  // round robin per group

  std::optional<model::Endpoint> pick(const std::string& host, const std::string& path) {
    MutexLock lock(mutex);
    const std::string& group = model::route_request(plan.listener, plan.rules, host, path);
    const auto it = plan.groups.find(group);
    if (it == plan.groups.end() || it->second.empty()) return std::nullopt;
    std::size_t& turn = next[group];
    return it->second[turn++ % it->second.size()];
  }
};

Result<void> HttpProxy::configure(const std::vector<model::HttpListenerPlan>& listeners) {
  MutexLock lock(m_mutex);
  std::string failed;
  std::map<int, std::shared_ptr<Port>> kept;
  for (const auto& plan : listeners) {
    const int number = plan.listener.port;
    auto it = m_ports.find(number);
    if (it != m_ports.end()) {
      {
        MutexLock port_lock(it->second->mutex);
        it->second->plan = plan;
      }
      kept.emplace(number, it->second);
      m_ports.erase(it);
      continue;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(number));
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 128) != 0) {
      failed += (failed.empty() ? "" : ", ") + std::to_string(number) + " (" + std::strerror(errno) + ")";
      if (fd >= 0) ::close(fd);
      continue;
    }
    auto port = std::make_shared<Port>();
    port->port = number;
    port->listen_fd = fd;
    {
      MutexLock port_lock(port->mutex);
      port->plan = plan;
    }
    kept.emplace(number, port);
    m_acceptors.emplace_back([this, port] { accept_loop(port); });
  }
  for (auto& [number, gone] : m_ports) gone->closing = true;  // their acceptors close them
  m_ports = std::move(kept);
  if (!failed.empty()) return fail(Code::server, "cannot listen on HTTP listener port " + failed);
  return {};
}

void HttpProxy::accept_loop(std::shared_ptr<Port> port) {
  while (!port->closing) {
    pollfd p{port->listen_fd, POLLIN, 0};
    if (::poll(&p, 1, k_accept_poll_ms) <= 0) continue;
    const int client = ::accept4(port->listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    {
      MutexLock lock(m_mutex);
      if (m_connections >= k_max_connections) {
        answer(client, 503, "Service Unavailable");
        ::close(client);
        continue;
      }
      ++m_connections;
      m_open_sockets.push_back(client);
    }
    std::thread([this, client, port] {
      serve(client, port);
      {
        MutexLock lock(m_mutex);
        std::erase(m_open_sockets, client);
      }
      ::close(client);
      connection_ended();
    }).detach();
  }
  ::close(port->listen_fd);
}

void HttpProxy::connection_ended() {
  {
    MutexLock lock(m_mutex);
    --m_connections;
  }
  m_idle.notify_all();
}

void HttpProxy::serve(int client, std::shared_ptr<Port> port) {
  std::string head;
  std::size_t head_end = 0;
  if (!read_head(client, head, head_end)) return answer(client, 400, "Bad Request");
  const auto parsed = parse_head(std::string_view(head).substr(0, head_end));
  if (!parsed) return answer(client, 400, "Bad Request");
  const auto endpoint = port->pick(parsed->host, parsed->path);
  if (!endpoint) return answer(client, 503, "Service Unavailable");
  const int backend = connect_to(*endpoint);
  if (backend < 0) return answer(client, 502, "Bad Gateway");
  if (send_all(backend, parsed->forwarded) && send_all(backend, std::string_view(head).substr(head_end))) {
    relay(client, backend);
  }
  ::close(backend);
}

void HttpProxy::stop() {
  std::vector<std::thread> acceptors;
  {
    MutexLock lock(m_mutex);
    for (auto& [number, port] : m_ports) port->closing = true;
    m_ports.clear();
    acceptors = std::move(m_acceptors);
    m_acceptors.clear();
    for (const int fd : m_open_sockets) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : acceptors) t.join();
  MutexLock lock(m_mutex);
  while (m_connections > 0) lock.wait(m_idle);
}

}  // namespace berth::runtime::lb
