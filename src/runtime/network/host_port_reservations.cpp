#include "runtime/network/host_port_reservations.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace berth::runtime {
namespace {

std::string describe(const HostPort& port) { return "0.0.0.0:" + std::to_string(port.port) + "/" + port.protocol; }

Result<UniqueFd> bind_port(const HostPort& port) {
  if (port.port < 1 || port.port > 65535) return fail(Code::client, "host port " + std::to_string(port.port) + " is out of range");
  if (port.protocol != "tcp" && port.protocol != "udp") return fail(Code::client, "unknown protocol " + port.protocol);
  const int type = port.protocol == "udp" ? SOCK_DGRAM : SOCK_STREAM;
  UniqueFd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return fail(Code::server, std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port.port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const int error = errno;
    if (error == EADDRINUSE) {
      // Docker's words for the same refusal, so the stoppedReason reads as users know it.
      return fail(Code::client, "Bind for " + describe(port) + " failed: port is already allocated (another program on the host holds it)");
    }
    return fail(Code::server, "cannot hold host port " + describe(port) + ": " + std::strerror(error));
  }
  return fd;
}

}  // namespace

Result<void> HostPortReservations::reserve(const std::string& task_id, const std::vector<HostPort>& ports) {
  MutexLock lock(m_mutex);
  auto& held = m_held[task_id];
  std::vector<Held> added;
  for (const auto& port : ports) {
    const auto same = [&](const Held& h) { return h.port.port == port.port && h.port.protocol == port.protocol; };
    if (std::any_of(held.begin(), held.end(), same) || std::any_of(added.begin(), added.end(), same)) continue;
    auto socket = bind_port(port);
    if (!socket) {
      if (held.empty()) m_held.erase(task_id);
      return std::unexpected(socket.error());  // `added` closes what this call bound
    }
    added.push_back(Held{port, std::move(*socket)});
  }
  for (auto& h : added) held.push_back(std::move(h));
  if (held.empty()) m_held.erase(task_id);
  return {};
}

void HostPortReservations::release(const std::string& task_id) {
  MutexLock lock(m_mutex);
  m_held.erase(task_id);
}

std::vector<HostPort> HostPortReservations::held_by(const std::string& task_id) const {
  MutexLock lock(m_mutex);
  std::vector<HostPort> out;
  if (auto it = m_held.find(task_id); it != m_held.end()) {
    for (const auto& h : it->second) out.push_back(h.port);
  }
  return out;
}

}  // namespace berth::runtime
