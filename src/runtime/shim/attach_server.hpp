// The shim's side of `berth attach`: a unix socket (mode 0600, so root only) in the container's
// state directory. Every connected client gets the container's live output; what clients send
// becomes the container's stdin when it has one open (interactive). Used only from the shim's
// single-threaded event loop.
#pragma once

#include <poll.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "runtime/linux/unique_fd.hpp"
#include "runtime/shim/attach_protocol.hpp"

namespace berth::runtime {

class AttachServer {
 public:
  // Listens on `path`.
  [[nodiscard]] static Result<AttachServer> listen(const std::string& path);

  // Appends the listening socket and every client to `fds`; clients are polled for input only
  // when `take_input` (the shim stops reading while earlier input waits for the container).
  void add_poll_fds(std::vector<pollfd>& fds, bool take_input) const;

  // Handles the polled `fds` that are this server's: accepts new clients, appends the stdin
  // bytes clients sent to `input` and drops clients that left or broke the protocol.
  void on_ready(const std::vector<pollfd>& fds, std::string& input);

  // Sends `data` as `type` frames to every client. A client that cannot take it at once is
  // dropped: the container's output (and its log) never waits for a slow reader.
  void broadcast(FrameType type, std::string_view data);

  std::size_t client_count() const { return m_clients.size(); }

 private:
  struct Client {
    UniqueFd fd;
    FrameReader reader;
  };
  explicit AttachServer(UniqueFd listener) : m_listener(std::move(listener)) {}
  void accept_clients();
  // Reads what `client` sent; false when it is to be dropped.
  bool read_client(Client& client, std::string& input);

  UniqueFd m_listener;
  std::vector<Client> m_clients;
};

// At most this many attached clients; more are refused (closed at once).
inline constexpr std::size_t k_max_attach_clients = 8;

}  // namespace berth::runtime
