#include "runtime/shim/attach_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "runtime/linux/unix_socket.hpp"

namespace berth::runtime {

Result<AttachServer> AttachServer::listen(const std::string& path) {
  BERTH_ASSIGN(UniqueFd listener, listen_unix(path, 0600));
  return AttachServer(std::move(listener));
}

void AttachServer::add_poll_fds(std::vector<pollfd>& fds, bool take_input) const {
  fds.push_back({m_listener.get(), POLLIN, 0});
  for (const auto& client : m_clients) fds.push_back({client.fd.get(), static_cast<short>(take_input ? POLLIN : 0), 0});
}

void AttachServer::on_ready(const std::vector<pollfd>& fds, std::string& input) {
  bool accept = false;
  std::vector<int> dropped;
  for (const pollfd& p : fds) {
    if (p.revents == 0) continue;
    if (p.fd == m_listener.get()) {
      accept = true;
      continue;
    }
    auto client = std::find_if(m_clients.begin(), m_clients.end(), [&](const Client& c) { return c.fd.get() == p.fd; });
    if (client == m_clients.end()) continue;
    if (!read_client(*client, input)) dropped.push_back(p.fd);
  }
  std::erase_if(m_clients, [&](const Client& c) { return std::ranges::find(dropped, c.fd.get()) != dropped.end(); });
  if (accept) accept_clients();
}

void AttachServer::accept_clients() {
  while (true) {
    UniqueFd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd.valid()) return;  // EAGAIN: no more waiting
    if (m_clients.size() >= k_max_attach_clients) continue;  // closed at once
    m_clients.push_back({std::move(fd), {}});
  }
}

bool AttachServer::read_client(Client& client, std::string& input) {
  char buffer[4096];
  const ssize_t n = ::read(client.fd.get(), buffer, sizeof buffer);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;  // detached
  client.reader.feed({buffer, static_cast<std::size_t>(n)});
  while (true) {
    auto frame = client.reader.next();
    if (!frame || (*frame && (*frame)->type != FrameType::stdin_)) return false;
    if (!*frame) return true;
    input.append((*frame)->payload);
  }
}

void AttachServer::broadcast(FrameType type, std::string_view data) {
  if (m_clients.empty()) return;
  const std::string frames = encode_frames(type, data);
  std::erase_if(m_clients, [&](const Client& c) {
    const ssize_t n = ::send(c.fd.get(), frames.data(), frames.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    return n != static_cast<ssize_t>(frames.size());  // a part-sent frame would break the stream
  });
}

}  // namespace berth::runtime
