// Handing a TLS connection to code that serves a plain socket: after a 101 on the TLS listener
// (`berth exec --endpoint`), the exec session's runner gets one end of a socketpair and a thread
// of its own relays the other end through the connection's TLS session (common/channel_relay.hpp).
// The session's records are encrypted and decrypted on that thread alone; after the handshake
// they use no state shared with the listener's other sessions (AEAD suites take their nonces
// from the record counter; renegotiation is off), so it runs beside the event loop safely.
// At most k_max_tls_handovers relays run at once (exec sessions are capped below that).
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/tls/tls_server.hpp"

namespace berth::api::tls {

inline constexpr int k_max_tls_handovers = 64;

// Takes `fd` (a non-blocking TCP socket) and its established `session` (of `config`, kept alive
// by the relay), then calls `takeover` with a plain socket carrying what the session carries and
// with `early_input` (bytes already decrypted after the request). When the socketpair or thread
// cannot be had, or k_max_tls_handovers relays run already, the connection is closed and
// `takeover` is not called (it is dropped, ending its reservation).
void hand_over_tls(int fd, std::unique_ptr<TlsSession> session, std::shared_ptr<TlsServerConfig> config,
                   const std::function<void(int, std::string)>& takeover, std::string early_input);

}  // namespace berth::api::tls
