#include "api/tls/tls_server.hpp"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_internal.h>
#include <mbedtls/ssl_ticket.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "api/tls/mbedtls_objects.hpp"

namespace berth::api::tls {
namespace {

// Forward secrecy and AEAD only; ECDSA first since the generated certificate is P-256.
constexpr int k_ciphersuites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,         MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0};

// Key exchange groups: the two every current client offers, and P-384 for the strict ones.
constexpr mbedtls_ecp_group_id k_curves[] = {MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1,
                                             MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_NONE};

// Session tickets make resumption cost the server no memory; their keys rotate daily.
constexpr std::uint32_t k_ticket_lifetime_s = 24 * 60 * 60;

TlsResult outcome(int rc, const char* what) {
  if (rc == MBEDTLS_ERR_SSL_WANT_READ) return {TlsStatus::want_read, 0, {}};
  if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) return {TlsStatus::want_write, 0, {}};
  if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_SSL_CONN_EOF ||
      rc == MBEDTLS_ERR_NET_CONN_RESET) {
    return {TlsStatus::closed, 0, {}};
  }
  return {TlsStatus::failed, 0, std::string(what) + ": " + tls_error_text(rc)};
}

}  // namespace

struct TlsServerConfig::Impl {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context random;
  mbedtls_ssl_ticket_context tickets;
  mbedtls_ssl_config config;
  Certificate chain;
  PrivateKey key;

  Impl() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&random);
    mbedtls_ssl_ticket_init(&tickets);
    mbedtls_ssl_config_init(&config);
  }
  ~Impl() {
    mbedtls_ssl_config_free(&config);
    mbedtls_ssl_ticket_free(&tickets);
    mbedtls_ctr_drbg_free(&random);
    mbedtls_entropy_free(&entropy);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

TlsServerConfig::TlsServerConfig(std::unique_ptr<Impl> impl, std::string fingerprint)
    : m_impl(std::move(impl)), m_fingerprint(std::move(fingerprint)) {}

TlsServerConfig::~TlsServerConfig() = default;

Result<std::shared_ptr<TlsServerConfig>> TlsServerConfig::load(const CertificatePaths& paths) {
  auto impl = std::make_unique<Impl>();
  BERTH_TRY(load_pem_pair(paths, impl->chain, impl->key));
  const char personalization[] = "berth-tls-server";
  int rc = mbedtls_ctr_drbg_seed(&impl->random, mbedtls_entropy_func, &impl->entropy,
                                 reinterpret_cast<const unsigned char*>(personalization), sizeof personalization - 1);
  if (rc != 0) return tls_fail("TLS random source", rc);
  rc = mbedtls_ssl_config_defaults(&impl->config, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                   MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return tls_fail("TLS setup", rc);
  mbedtls_ssl_config* c = &impl->config;
  mbedtls_ssl_conf_rng(c, mbedtls_ctr_drbg_random, &impl->random);
  mbedtls_ssl_conf_min_version(c, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_ciphersuites(c, k_ciphersuites);
  mbedtls_ssl_conf_curves(c, k_curves);
  mbedtls_ssl_conf_renegotiation(c, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
  rc = mbedtls_ssl_conf_own_cert(c, impl->chain.get(), impl->key.get());
  if (rc != 0) return tls_fail("TLS certificate " + paths.certificate, rc);
  rc = mbedtls_ssl_ticket_setup(&impl->tickets, mbedtls_ctr_drbg_random, &impl->random, MBEDTLS_CIPHER_AES_256_GCM,
                                k_ticket_lifetime_s);
  if (rc != 0) return tls_fail("TLS session tickets", rc);
  mbedtls_ssl_conf_session_tickets_cb(c, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse, &impl->tickets);
  std::string fingerprint = impl->chain.fingerprint();
  return std::shared_ptr<TlsServerConfig>(new TlsServerConfig(std::move(impl), std::move(fingerprint)));
}

// mbedTLS reads a record in two steps, its 5-byte header and then its body; reading ahead into a
// small buffer makes a request that fits in it one recv() instead of two.
constexpr std::size_t k_read_ahead = 4096;

struct TlsSession::Impl {
  mbedtls_ssl_context ssl;
  int fd;
  // The length given to a write that returned want_*: mbedTLS needs the same one again.
  std::size_t pending_write = 0;
  char ahead[k_read_ahead];
  std::size_t ahead_begin = 0;
  std::size_t ahead_end = 0;

  explicit Impl(int f) : fd(f) { mbedtls_ssl_init(&ssl); }
  ~Impl() { mbedtls_ssl_free(&ssl); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

namespace {

int send_to_socket(void* context, const unsigned char* data, std::size_t size) {
  const int fd = static_cast<const TlsSession::Impl*>(context)->fd;
  while (true) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return MBEDTLS_ERR_SSL_WANT_WRITE;
    return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
  }
}

int receive_from_socket(void* context, unsigned char* out, std::size_t size) {
  auto& s = *static_cast<TlsSession::Impl*>(context);
  if (s.ahead_begin == s.ahead_end) {
    // A large read goes straight to mbedTLS's buffer; a small one fills the read-ahead.
    const bool direct = size >= k_read_ahead;
    ssize_t n;
    do {
      n = ::recv(s.fd, direct ? reinterpret_cast<char*>(out) : s.ahead, direct ? size : k_read_ahead, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return MBEDTLS_ERR_SSL_WANT_READ;
    if (n < 0) return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
    if (direct || n == 0) return static_cast<int>(n);
    s.ahead_begin = 0;
    s.ahead_end = static_cast<std::size_t>(n);
  }
  const std::size_t n = std::min(size, s.ahead_end - s.ahead_begin);
  std::memcpy(out, s.ahead + s.ahead_begin, n);
  s.ahead_begin += n;
  return static_cast<int>(n);
}

}  // namespace

TlsSession::TlsSession(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

TlsSession::~TlsSession() = default;

Result<std::unique_ptr<TlsSession>> TlsSession::open(TlsServerConfig& config, int fd) {
  auto impl = std::make_unique<Impl>(fd);
  const int rc = mbedtls_ssl_setup(&impl->ssl, &config.impl().config);
  if (rc != 0) return tls_fail("TLS session", rc);
  mbedtls_ssl_set_bio(&impl->ssl, impl.get(), send_to_socket, receive_from_socket, nullptr);
  return std::unique_ptr<TlsSession>(new TlsSession(std::move(impl)));
}

TlsResult TlsSession::handshake() {
  const int rc = mbedtls_ssl_handshake(&m_impl->ssl);
  if (rc == 0) return {TlsStatus::ok, 0, {}};
  return outcome(rc, "TLS handshake");
}

TlsResult TlsSession::read(char* out, std::size_t size) {
  const int rc = mbedtls_ssl_read(&m_impl->ssl, reinterpret_cast<unsigned char*>(out), size);
  if (rc > 0) return {TlsStatus::ok, static_cast<std::size_t>(rc), {}};
  return outcome(rc, "TLS read");
}

TlsResult TlsSession::write(const char* data, std::size_t size) {
  const std::size_t length = m_impl->pending_write ? std::min(m_impl->pending_write, size) : size;
  const int rc = mbedtls_ssl_write(&m_impl->ssl, reinterpret_cast<const unsigned char*>(data), length);
  if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
    m_impl->pending_write = length;
    return outcome(rc, "TLS write");
  }
  m_impl->pending_write = 0;
  if (rc >= 0) return {TlsStatus::ok, static_cast<std::size_t>(rc), {}};
  return outcome(rc, "TLS write");
}

bool TlsSession::has_pending_input() const {
  return m_impl->ahead_begin != m_impl->ahead_end || mbedtls_ssl_check_pending(&m_impl->ssl) != 0;
}

void TlsSession::close_notify() { mbedtls_ssl_close_notify(&m_impl->ssl); }

std::size_t TlsSession::memory_bytes() {
  return sizeof(Impl) + MBEDTLS_SSL_IN_BUFFER_LEN + MBEDTLS_SSL_OUT_BUFFER_LEN + sizeof(mbedtls_ssl_session) +
         sizeof(mbedtls_ssl_transform);
}

}  // namespace berth::api::tls
