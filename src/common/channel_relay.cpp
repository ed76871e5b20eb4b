#include "common/channel_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace berth {
namespace {

short events_for(ChannelStatus status) {
  if (status == ChannelStatus::want_read) return POLLIN;
  if (status == ChannelStatus::want_write) return POLLOUT;
  return 0;
}

}  // namespace

void relay_channel(SecureChannel& channel, int local) {
  ::fcntl(local, F_SETFL, ::fcntl(local, F_GETFL) | O_NONBLOCK);
  std::string to_local;   // decrypted, not yet taken by `local`
  std::string to_remote;  // from `local`, not yet taken by the channel
  bool remote_open = true;
  bool local_open = true;
  char buffer[16 * 1024];
  while (true) {
    // Each pass tries every move that has room; poll() only when none made progress, for the
    // readiness the ones that could not move asked for. A record mbedTLS holds decrypted is
    // therefore read without waiting for the socket, which would not show it.
    bool progress = false;
    short remote_events = 0;
    short local_events = 0;
    if (remote_open && to_local.size() < k_channel_relay_buffer) {
      const auto io = channel.read(buffer, std::min(sizeof buffer, k_channel_relay_buffer - to_local.size()));
      if (io.status == ChannelStatus::ok) to_local.append(buffer, io.bytes);
      remote_open = io.status != ChannelStatus::closed;
      progress = progress || io.status == ChannelStatus::ok || !remote_open;
      remote_events |= events_for(io.status);
    }
    if (!to_local.empty()) {
      const ssize_t n = ::send(local, to_local.data(), to_local.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        to_local.erase(0, static_cast<std::size_t>(n));
        progress = true;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        local_events |= POLLOUT;
      } else if (n < 0 && errno == EINTR) {
        progress = true;
      } else {
        break;  // nobody reads the local side any more
      }
    }
    if (local_open && to_remote.size() < k_channel_relay_buffer) {
      const ssize_t n = ::recv(local, buffer, std::min(sizeof buffer, k_channel_relay_buffer - to_remote.size()), MSG_DONTWAIT);
      if (n > 0) {
        to_remote.append(buffer, static_cast<std::size_t>(n));
        progress = true;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        local_events |= POLLIN;
      } else {
        local_open = local_open && n < 0 && errno == EINTR;
        progress = true;
      }
    }
    if (remote_open && !to_remote.empty()) {
      const auto io = channel.write(to_remote.data(), to_remote.size());
      if (io.status == ChannelStatus::ok) to_remote.erase(0, io.bytes);
      remote_open = io.status != ChannelStatus::closed;
      progress = progress || io.status == ChannelStatus::ok || !remote_open;
      remote_events |= events_for(io.status);
    }
    if (!remote_open && to_local.empty()) break;   // all the peer sent is delivered
    if (!local_open && to_remote.empty()) break;   // all the local side sent is out
    if (!remote_open && !local_open) break;
    if (progress) continue;
    // A side nothing waits on is left out: a hung-up socket would otherwise wake poll() at once.
    pollfd fds[2] = {{remote_events ? channel.socket() : -1, remote_events, 0}, {local_events ? local : -1, local_events, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
  }
  channel.close_notify();
  ::close(local);
}

}  // namespace berth
