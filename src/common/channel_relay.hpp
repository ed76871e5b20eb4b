// Relaying a plain local socket through an encrypted channel (a TLS session) in both directions,
// so that code written for a plain socket (an exec session's frames, `berth exec`'s relay) runs
// unchanged over TLS: the API server hands a TLS connection's session to it through a
// socketpair, and `berth exec --endpoint` talks to the server the same way. One thread, poll(),
// two bounded buffers. Not thread-safe: the relay owns both ends while it runs.
#pragma once

#include <cstddef>

namespace berth {

enum class ChannelStatus {
  ok,          // `bytes` moved (> 0)
  want_read,   // call again once the channel's socket is readable
  want_write,  // call again once it is writable
  closed,      // the peer closed, or the channel failed: nothing more moves
};

struct ChannelIo {
  ChannelStatus status;
  std::size_t bytes = 0;
};

// An established encrypted session over a non-blocking socket.
class SecureChannel {
 public:
  virtual ~SecureChannel() = default;
  virtual int socket() const = 0;
  // Reads decrypted bytes into `out` (at most `size`).
  virtual ChannelIo read(char* out, std::size_t size) = 0;
  // Writes from `data`; after want_*, it is called again with the same start and at least as
  // many bytes (what TLS needs to resend a record it began).
  virtual ChannelIo write(const char* data, std::size_t size) = 0;
  // Says the session ends (TLS close_notify), best effort.
  virtual void close_notify() = 0;
};

// At most this much waits in each direction; a side whose buffer is full is not read meanwhile.
inline constexpr std::size_t k_channel_relay_buffer = 64 * 1024;

// Relays between `channel` and the stream socket `local` (made non-blocking) until the channel
// ends and what it sent is delivered, or `local` ends and what it sent is out, or either fails.
// Then says close_notify and closes `local`; the channel's socket is its owner's to close.
void relay_channel(SecureChannel& channel, int local);

}  // namespace berth
