#include "runtime/tls/tls_client_stream.hpp"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <sys/socket.h>

#include <cctype>
#include <cerrno>

#include "runtime/tls/ip_name_check.hpp"

namespace berth::runtime {
namespace {

std::string tls_error(int code) {
  char text[160];
  mbedtls_strerror(code, text, sizeof text);
  return text;
}

// The socket's I/O for mbedTLS: MSG_NOSIGNAL (a receiver gone must not kill the shim with
// SIGPIPE), and "would block" as mbedTLS's WANT_* so the shim's poll loop goes on.
int send_bio(void* context, const unsigned char* data, std::size_t size) {
  const ssize_t n = ::send(*static_cast<int*>(context), data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_WRITE;
  return MBEDTLS_ERR_NET_SEND_FAILED;
}

int recv_bio(void* context, unsigned char* data, std::size_t size) {
  const ssize_t n = ::recv(*static_cast<int*>(context), data, size, MSG_DONTWAIT);
  if (n > 0) return static_cast<int>(n);
  if (n == 0) return MBEDTLS_ERR_SSL_CONN_EOF;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_READ;
  return MBEDTLS_ERR_NET_RECV_FAILED;
}

}  // namespace

// Every mbedTLS object of one session, freed together; its address is fixed (mbedTLS keeps
// pointers between them).
struct TlsClientStream::State {
  int fd = -1;
  bool skip_verify = false;
  IpName ip;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_config config;
  mbedtls_x509_crt trusted;
  mbedtls_x509_crt own_cert;
  mbedtls_pk_context own_key;
  mbedtls_ctr_drbg_context random;
  mbedtls_entropy_context entropy;

  State() {
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&config);
    mbedtls_x509_crt_init(&trusted);
    mbedtls_x509_crt_init(&own_cert);
    mbedtls_pk_init(&own_key);
    mbedtls_ctr_drbg_init(&random);
    mbedtls_entropy_init(&entropy);
  }
  ~State() {
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&config);
    mbedtls_x509_crt_free(&trusted);
    mbedtls_x509_crt_free(&own_cert);
    mbedtls_pk_free(&own_key);
    mbedtls_ctr_drbg_free(&random);
    mbedtls_entropy_free(&entropy);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
};

TlsClientStream::TlsClientStream(std::unique_ptr<State> state) : m_state(std::move(state)) {}

TlsClientStream::~TlsClientStream() {
  // A close_notify if the socket takes it now; the shim does not wait for the peer's.
  if (m_state) mbedtls_ssl_close_notify(&m_state->ssl);
}

Result<std::unique_ptr<TlsClientStream>> TlsClientStream::begin(int fd, const TlsClientSettings& settings) {
  auto s = std::make_unique<State>();
  s->fd = fd;
  int rc = mbedtls_ctr_drbg_seed(&s->random, mbedtls_entropy_func, &s->entropy, nullptr, 0);
  if (rc != 0) return fail(Code::client, "TLS random source: " + tls_error(rc));
  if (!settings.skip_verify) {
    const std::string& ca = settings.ca_file.empty() ? settings.system_ca_file : settings.ca_file;
    if ((rc = mbedtls_x509_crt_parse_file(&s->trusted, ca.c_str())) < 0) {
      return fail(Code::client, "cannot read the CA certificates " + ca + ": " + tls_error(rc));
    }
  }
  if (!settings.cert_file.empty()) {
    if ((rc = mbedtls_x509_crt_parse_file(&s->own_cert, settings.cert_file.c_str())) != 0) {
      return fail(Code::client, "cannot read the client certificate " + settings.cert_file + ": " + tls_error(rc));
    }
    if ((rc = mbedtls_pk_parse_keyfile(&s->own_key, settings.key_file.c_str(), nullptr)) != 0) {
      return fail(Code::client, "cannot read the client key " + settings.key_file + ": " + tls_error(rc));
    }
  }
  rc = mbedtls_ssl_config_defaults(&s->config, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return fail(Code::client, "TLS setup: " + tls_error(rc));
  mbedtls_ssl_conf_authmode(&s->config, settings.skip_verify ? MBEDTLS_SSL_VERIFY_NONE : MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&s->config, &s->trusted, nullptr);
  mbedtls_ssl_conf_rng(&s->config, mbedtls_ctr_drbg_random, &s->random);
  if (!settings.cert_file.empty() && (rc = mbedtls_ssl_conf_own_cert(&s->config, &s->own_cert, &s->own_key)) != 0) {
    return fail(Code::client, "TLS client certificate: " + tls_error(rc));
  }
  s->ip = ip_name(settings.server_name);
  if (s->ip.size && !settings.skip_verify) mbedtls_ssl_conf_verify(&s->config, verify_ip_name, &s->ip);
  rc = mbedtls_ssl_setup(&s->ssl, &s->config);
  // A name is checked by mbedTLS (and sent as SNI); an address by verify_ip_name.
  if (rc == 0 && !s->ip.size) rc = mbedtls_ssl_set_hostname(&s->ssl, settings.server_name.c_str());
  if (rc != 0) return fail(Code::client, "TLS setup: " + tls_error(rc));
  mbedtls_ssl_set_bio(&s->ssl, &s->fd, send_bio, recv_bio, nullptr);
  s->skip_verify = settings.skip_verify;
  return std::unique_ptr<TlsClientStream>(new TlsClientStream(std::move(s)));
}

Result<TlsClientStream::Step> TlsClientStream::step() {
  const int rc = mbedtls_ssl_handshake(&m_state->ssl);
  if (rc == 0) return Step::done;
  if (rc == MBEDTLS_ERR_SSL_WANT_READ) return Step::want_read;
  if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) return Step::want_write;
  const std::uint32_t flags = m_state->skip_verify ? 0 : mbedtls_ssl_get_verify_result(&m_state->ssl);
  if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || (flags != 0 && flags != static_cast<std::uint32_t>(-1))) {
    char why[256];
    mbedtls_x509_crt_verify_info(why, sizeof why, "", flags);
    std::string text = why;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    for (auto& c : text) c = c == '\n' ? ';' : c;
    return fail(Code::client, "the server's certificate is not trusted: " + text);
  }
  if (rc == MBEDTLS_ERR_SSL_INVALID_RECORD || rc == MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION || rc == MBEDTLS_ERR_SSL_CONN_EOF) {
    return fail(Code::client, "the server does not speak TLS (" + tls_error(rc) + ")");
  }
  return fail(Code::client, "TLS handshake: " + tls_error(rc));
}

TlsClientStream::Written TlsClientStream::write(std::string_view data, std::size_t& taken) {
  const int n = mbedtls_ssl_write(&m_state->ssl, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  if (n >= 0) {
    taken = static_cast<std::size_t>(n);
    return Written::some;
  }
  if (n == MBEDTLS_ERR_SSL_WANT_WRITE || n == MBEDTLS_ERR_SSL_WANT_READ) return Written::would_block;
  return Written::broken;
}

}  // namespace berth::runtime
