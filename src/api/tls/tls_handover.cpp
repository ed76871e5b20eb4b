#include "api/tls/tls_handover.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <system_error>
#include <thread>

#include "common/channel_relay.hpp"
#include "common/log.hpp"

namespace berth::api::tls {
namespace {

std::atomic<int> g_running{0};

// The connection's session as the relay sees it; closes the socket when done.
class SessionChannel final : public SecureChannel {
 public:
  SessionChannel(int fd, std::unique_ptr<TlsSession> session, std::shared_ptr<TlsServerConfig> config)
      : m_config(std::move(config)), m_session(std::move(session)), m_fd(fd) {}
  ~SessionChannel() override {
    m_session.reset();  // before the config it was made from
    ::close(m_fd);
  }
  SessionChannel(const SessionChannel&) = delete;
  SessionChannel& operator=(const SessionChannel&) = delete;

  int socket() const override { return m_fd; }
  ChannelIo read(char* out, std::size_t size) override { return io_of(m_session->read(out, size)); }
  ChannelIo write(const char* data, std::size_t size) override { return io_of(m_session->write(data, size)); }
  void close_notify() override { m_session->close_notify(); }

 private:
  static ChannelIo io_of(const TlsResult& result) {
    switch (result.status) {
      case TlsStatus::ok:
        return {ChannelStatus::ok, result.bytes};
      case TlsStatus::want_read:
        return {ChannelStatus::want_read};
      case TlsStatus::want_write:
        return {ChannelStatus::want_write};
      case TlsStatus::failed:
        log_debug("API exec session: " + result.error);
        break;
      case TlsStatus::closed:
        break;
    }
    return {ChannelStatus::closed};
  }

  std::shared_ptr<TlsServerConfig> m_config;
  std::unique_ptr<TlsSession> m_session;
  int m_fd;
};

}  // namespace

void hand_over_tls(int fd, std::unique_ptr<TlsSession> session, std::shared_ptr<TlsServerConfig> config,
                   const std::function<void(int, std::string)>& takeover, std::string early_input) {
  auto channel = std::make_unique<SessionChannel>(fd, std::move(session), std::move(config));
  if (g_running.fetch_add(1) >= k_max_tls_handovers) {
    g_running.fetch_sub(1);
    log_warn("API: " + std::to_string(k_max_tls_handovers) + " TLS exec sessions run already; a new one is closed");
    return;
  }
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    g_running.fetch_sub(1);
    log_warn(std::string("API: no socketpair for a TLS exec session: ") + std::strerror(errno));
    return;
  }
  try {
    std::thread([channel = std::move(channel), local = pair[1]] {
      // A detached thread: an exception escaping it would end berth.
      try {
        relay_channel(*channel, local);
      } catch (const std::exception& e) {
        log_warn(std::string("API: a TLS exec session's relay failed: ") + e.what());
      }
      g_running.fetch_sub(1);
    }).detach();
  } catch (const std::system_error& e) {
    ::close(pair[0]);
    ::close(pair[1]);
    g_running.fetch_sub(1);
    log_warn(std::string("API: no thread for a TLS exec session: ") + e.what());
    return;
  }
  takeover(pair[0], std::move(early_input));
}

}  // namespace berth::api::tls
