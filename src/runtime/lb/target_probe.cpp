#include "runtime/lb/target_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/numbers.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime::lb {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int k_max_timeout_seconds = 10;
constexpr std::size_t k_max_answer = 4096;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(left, 0));
}

// Waits for `events` on `fd` until `deadline`: "" when ready, else why not.
std::string wait_for(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return "";
    if (n == 0) return "timed out";
    if (errno != EINTR) return std::strerror(errno);
  }
}

}  // namespace

std::string probe_target(const model::Endpoint& endpoint, int port, const model::HealthCheck& check) {
  const auto deadline = Clock::now() + std::chrono::seconds(std::min(check.timeout_seconds, k_max_timeout_seconds));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, endpoint.address.c_str(), &address.sin_addr) != 1) return "not an IPv4 address";
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return std::string("socket: ") + std::strerror(errno);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
    return std::strerror(errno);
  }
  if (auto why = wait_for(fd.get(), POLLOUT, deadline); !why.empty()) return why;
  int error = 0;
  socklen_t length = sizeof error;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
  if (error != 0) return std::strerror(error);
  if (check.protocol != "HTTP") return "";
  const std::string request = "GET " + check.path + " HTTP/1.1\r\nHost: " + endpoint.address + ":" + std::to_string(port) +
                              "\r\nUser-Agent: ELB-HealthChecker/2.0\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (auto why = wait_for(fd.get(), POLLOUT, deadline); !why.empty()) return why;
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return std::strerror(errno);
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buffer[1024];
  while (answer.find("\r\n") == std::string::npos && answer.size() < k_max_answer) {
    if (auto why = wait_for(fd.get(), POLLIN, deadline); !why.empty()) return why;
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return std::strerror(errno);
    }
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  if (!answer.starts_with("HTTP/1.") || answer.size() < 12) return "not an HTTP answer";
  const auto status = parse_integer<int>(std::string_view(answer).substr(9, 3));
  if (!status) return "not an HTTP answer";
  if (!model::status_matches(check.matcher, *status)) return "HTTP " + std::to_string(*status);
  return "";
}

}  // namespace berth::runtime::lb
