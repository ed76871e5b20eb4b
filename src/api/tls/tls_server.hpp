// The server side of TLS for the API's event loop: one TlsServerConfig (certificate, key,
// random generator, session-ticket keys; TLS 1.2 with ECDHE and AEAD suites only) shared by every
// connection of a listener, and one TlsSession per connection doing non-blocking I/O on the
// connection's socket. mbedTLS 2.28 has no TLS 1.3 server, so TLS 1.2 is the only version.
// Thread-compatible: a config and its sessions are used from one thread (the loop's).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "api/tls/tls_certificate.hpp"
#include "common/result.hpp"

namespace berth::api::tls {

class TlsServerConfig {
 public:
  // Loads the PEM chain and key (checked to belong together) and sets up the shared state.
  [[nodiscard]] static Result<std::shared_ptr<TlsServerConfig>> load(const CertificatePaths& paths);
  ~TlsServerConfig();
  TlsServerConfig(const TlsServerConfig&) = delete;
  TlsServerConfig& operator=(const TlsServerConfig&) = delete;

  // The leaf certificate's SHA-256 fingerprint.
  const std::string& fingerprint() const { return m_fingerprint; }

  struct Impl;
  Impl& impl() { return *m_impl; }

 private:
  TlsServerConfig(std::unique_ptr<Impl> impl, std::string fingerprint);
  std::unique_ptr<Impl> m_impl;
  std::string m_fingerprint;
};

// What a TlsSession call did. `bytes` is what was read or written when `status` is ok.
enum class TlsStatus {
  ok,          // done (handshake finished, or `bytes` moved)
  want_read,   // call again once the socket is readable
  want_write,  // call again once the socket is writable
  closed,      // the peer closed (close_notify or end of stream)
  failed,      // protocol error: `error` says which; the connection must be closed
};

struct TlsResult {
  TlsStatus status;
  std::size_t bytes = 0;
  std::string error;
};

class TlsSession {
 public:
  // A server session over the non-blocking socket `fd` (not owned). Fails only when memory for
  // the record buffers cannot be had.
  [[nodiscard]] static Result<std::unique_ptr<TlsSession>> open(TlsServerConfig& config, int fd);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Advances the handshake; ok once it is complete.
  TlsResult handshake();
  // Reads decrypted bytes into `out` (at most `size`); ok with bytes > 0, or want_read.
  TlsResult read(char* out, std::size_t size);
  // Writes up to `size` bytes of `data`. After want_read/want_write, call again with the same
  // data (the start of what was not yet written); the session remembers how much it took.
  TlsResult write(const char* data, std::size_t size);
  // True when decrypted or received bytes wait inside the session (mbedTLS's record buffer or
  // the read-ahead), which the socket's readiness does not show.
  bool has_pending_input() const;
  // Sends close_notify, best effort (never blocks).
  void close_notify();

  // Returns the bytes one established session holds: the record buffers (fixed at mbedTLS's
  // build: MBEDTLS_SSL_IN/OUT_CONTENT_LEN, 16 KiB each in Debian's), a 4 KiB read-ahead and
  // the context.
  static std::size_t memory_bytes();

  struct Impl;

 private:
  explicit TlsSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace berth::api::tls
