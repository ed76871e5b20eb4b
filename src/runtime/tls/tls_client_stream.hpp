// A TLS client session (mbedTLS) over a connected non-blocking stream socket it does not own: the
// shim's syslog over TLS (Docker's tcp+tls). The server's certificate must chain to the CA file
// given (else the system's CAs) and name the host dialled (a DNS name, or an IP address in an
// iPAddress subjectAltName), unless verification is skipped (Docker's syslog-tls-skip-verify); a
// client certificate and key are presented when given. Not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::runtime {

struct TlsClientSettings {
  std::string server_name;  // the host dialled: a DNS name or an IP address
  std::string ca_file;      // PEM; empty: system_ca_file
  std::string system_ca_file = "/etc/ssl/certs/ca-certificates.crt";
  std::string cert_file;  // PEM client certificate and its key: both or neither
  std::string key_file;
  bool skip_verify = false;
};

class TlsClientStream {
 public:
  // The handshake in steps, on `fd` (connected, non-blocking; it must outlive the stream), for a
  // caller with its own poll loop (and its own time limit): begin() reads the files and sets the
  // session up; each step() moves the handshake on as far as the socket lets it and says what it
  // waits for (done: the stream is ready). Errors say why: a file that cannot be read, "the
  // server's certificate is not trusted: ...", a peer that does not speak TLS.
  [[nodiscard]] static Result<std::unique_ptr<TlsClientStream>> begin(int fd, const TlsClientSettings& settings);
  enum class Step { done, want_read, want_write };
  [[nodiscard]] Result<Step> step();
  ~TlsClientStream();
  TlsClientStream(const TlsClientStream&) = delete;
  TlsClientStream& operator=(const TlsClientStream&) = delete;

  enum class Written { some, would_block, broken };
  // Encrypts and sends from `data`; on `some`, `taken` is how many of its bytes went. After
  // would_block the same bytes must be offered again (mbedTLS holds the record it began).
  Written write(std::string_view data, std::size_t& taken);

 private:
  struct State;
  explicit TlsClientStream(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

}  // namespace berth::runtime
