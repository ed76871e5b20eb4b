// The TLS sessions the https client resumes: one per server and trust (host, port, pinned
// fingerprint, CA files), so a connection resumes only a session made under the same checks. A
// resumed handshake costs a server about a twentieth of a full one (berth's own: 0.20 against 3.60
// ms of its CPU, README's Performance), which is what a joined agent's calls, a new connection
// each, mostly are. At most k_max_tls_sessions servers are kept (the oldest saved goes first).
// Internal to runtime/http/. Thread-safe.
#pragma once

#include <mbedtls/ssl.h>

#include <cstddef>
#include <string>

namespace berth::runtime::detail {

inline constexpr std::size_t k_max_tls_sessions = 32;

// Offers `key`'s session (if one is kept) to `ssl`, before its handshake.
void offer_tls_session(const std::string& key, mbedtls_ssl_context& ssl);
// Keeps the session of `ssl`, after a handshake whose checks all passed.
void keep_tls_session(const std::string& key, const mbedtls_ssl_context& ssl);
// Forgets `key`'s session (its server failed a check).
void forget_tls_session(const std::string& key);
// How many servers' sessions are kept (for tests).
std::size_t kept_tls_sessions();

}  // namespace berth::runtime::detail
