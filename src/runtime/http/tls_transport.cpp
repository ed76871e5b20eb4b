// The https transport: mbedTLS (small enough for the gateway binary, unlike OpenSSL), with the
// peer's certificate chain and name verified, and a minimal HTTP/1.1 reader (content-length,
// chunked, or until close) over it.
#include <sys/socket.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <functional>
#include <optional>

#include "common/sha256.hpp"
#include "runtime/http/tls_sessions.hpp"
#include "runtime/http/transport.hpp"
#include "runtime/tls/ip_name_check.hpp"

namespace berth::runtime::detail {
namespace {

std::string tls_error(int code) {
  char text[160];
  mbedtls_strerror(code, text, sizeof text);
  return text;
}

// Every mbedTLS object of one connection, freed together.
struct Connection {
  mbedtls_net_context net;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_config config;
  mbedtls_x509_crt trusted;
  mbedtls_ctr_drbg_context random;
  mbedtls_entropy_context entropy;
  // Set once connected when the call can be cancelled; ended before the socket is closed.
  std::optional<Cancellation::Attachment> attached;

  Connection() {
    mbedtls_net_init(&net);
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&config);
    mbedtls_x509_crt_init(&trusted);
    mbedtls_ctr_drbg_init(&random);
    mbedtls_entropy_init(&entropy);
  }
  ~Connection() {
    attached.reset();
    mbedtls_ssl_close_notify(&ssl);
    mbedtls_net_free(&net);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&config);
    mbedtls_x509_crt_free(&trusted);
    mbedtls_ctr_drbg_free(&random);
    mbedtls_entropy_free(&entropy);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Reads some bytes; 0 at the end of the stream.
  Result<std::size_t> read(char* out, std::size_t n) {
    while (true) {
      const int got = mbedtls_ssl_read(&ssl, reinterpret_cast<unsigned char*>(out), n);
      if (got == MBEDTLS_ERR_SSL_WANT_READ || got == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
      if (got == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || got == 0) return std::size_t{0};
      if (got < 0) return fail(Code::server, "TLS read: " + tls_error(got));
      return static_cast<std::size_t>(got);
    }
  }
};

// Sends with MSG_NOSIGNAL and `flags`: a peer gone, or a socket a cancel shut down, is an error
// rather than SIGPIPE (not every process that calls ignores it).
int send_with(int fd, const unsigned char* data, std::size_t size, int flags) {
  while (true) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL | flags);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return MBEDTLS_ERR_SSL_WANT_WRITE;
    return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
  }
}

int send_blocking(void* context, const unsigned char* data, std::size_t size) {
  return send_with(static_cast<mbedtls_net_context*>(context)->fd, data, size, 0);
}

Result<void> open(Connection& c, const Target& target, const HttpOptions& options, IpName& ip) {
  int rc = mbedtls_ctr_drbg_seed(&c.random, mbedtls_entropy_func, &c.entropy, nullptr, 0);
  if (rc != 0) return fail(Code::server, "TLS random source: " + tls_error(rc));
  int loaded = 0;
  const bool pinned = !options.pinned_sha256.empty();
  for (const auto& file : {options.system_ca_file, options.ca_file}) {
    if (!pinned && !file.empty() && mbedtls_x509_crt_parse_file(&c.trusted, file.c_str()) >= 0) ++loaded;
  }
  if (loaded == 0 && !pinned) {
    return fail(Code::server, "no trusted CA certificates (" +
                                  (options.ca_file.empty() ? options.system_ca_file : options.ca_file) + " cannot be read)");
  }
  // Not mbedtls_net_connect: it waits as long as the kernel retries a SYN to a silent host. A
  // connect takes milliseconds on a LAN and seconds on the slowest uplink: past 10 s the host is
  // taken as gone (a joined agent then tries the next server), whatever the reply's own timeout.
  BERTH_ASSIGN(c.net.fd, connect_tcp(target, std::min(options.timeout_s, k_connect_timeout_s)));
  // From here a cancel shuts the socket down: the handshake and the reply's wait end at once (a
  // cancel during the connect is seen here, as the attachment is made).
  if (options.cancel) {
    c.attached.emplace(options.cancel->attach_socket(c.net.fd));
    if (options.cancel->cancelled()) return fail(Code::server, "cancelled", ECANCELED);
  }
  rc = mbedtls_ssl_config_defaults(&c.config, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return fail(Code::server, "TLS setup: " + tls_error(rc));
  // A pinned certificate is checked by its digest once the handshake is done: its chain and names
  // are not what vouches for it (a gateway's certificate is self-signed).
  mbedtls_ssl_conf_authmode(&c.config, pinned ? MBEDTLS_SSL_VERIFY_OPTIONAL : MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&c.config, &c.trusted, nullptr);
  mbedtls_ssl_conf_rng(&c.config, mbedtls_ctr_drbg_random, &c.random);
  mbedtls_ssl_conf_read_timeout(&c.config, static_cast<std::uint32_t>(options.timeout_s) * 1000);
  ip = ip_name(target.host);
  if (ip.size && !pinned) mbedtls_ssl_conf_verify(&c.config, verify_ip_name, &ip);
  rc = mbedtls_ssl_setup(&c.ssl, &c.config);
  // An address is checked by verify_ip_name; a name by mbedTLS (and sent as SNI).
  if (rc == 0 && !ip.size) rc = mbedtls_ssl_set_hostname(&c.ssl, target.host.c_str());
  if (rc != 0) return fail(Code::server, "TLS setup: " + tls_error(rc));
  mbedtls_ssl_set_bio(&c.ssl, &c.net, send_blocking, nullptr, mbedtls_net_recv_timeout);
  // The trust is part of the key: a session made under one check is never resumed under another.
  const std::string session_key = target.host + "\n" + std::to_string(target.port) + "\n" + options.pinned_sha256 + "\n" +
                                  options.ca_file + "\n" + options.system_ca_file;
  offer_tls_session(session_key, c.ssl);
  while ((rc = mbedtls_ssl_handshake(&c.ssl)) != 0) {
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    forget_tls_session(session_key);
    const std::uint32_t flags = pinned ? 0 : mbedtls_ssl_get_verify_result(&c.ssl);
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || (flags != 0 && flags != static_cast<std::uint32_t>(-1))) {
      char why[256];
      mbedtls_x509_crt_verify_info(why, sizeof why, "", flags);
      std::string text = why;
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
      return fail(Code::server, "the server's certificate is not trusted: " + text +
                                    " (a private CA goes in BERTH_REGISTRY_CA_FILE)");
    }
    if (rc == MBEDTLS_ERR_SSL_INVALID_RECORD || rc == MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION ||
        rc == MBEDTLS_ERR_SSL_CONN_EOF || rc == MBEDTLS_ERR_NET_CONN_RESET) {
      return fail(Code::server, "the server does not speak TLS (" + tls_error(rc) + ")", EPROTO);
    }
    return fail(Code::server, "TLS handshake: " + tls_error(rc));
  }
  if (pinned) {
    const mbedtls_x509_crt* peer = mbedtls_ssl_get_peer_cert(&c.ssl);
    if (!peer) return fail(Code::server, "the server sent no certificate");
    Sha256 digest;
    digest.update(std::string_view(reinterpret_cast<const char*>(peer->raw.p), peer->raw.len));
    const std::string seen = digest.hex_digest();
    if (seen != options.pinned_sha256) {
      forget_tls_session(session_key);
      return fail(Code::server, "the server's certificate is not the pinned one (its SHA-256 is " + seen + ")");
    }
  }
  keep_tls_session(session_key, c.ssl);
  return {};
}

Result<void> write_all(Connection& c, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const int n = mbedtls_ssl_write(&c.ssl, reinterpret_cast<const unsigned char*>(data.data() + done), data.size() - done);
    if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    if (n < 0) return fail(Code::server, "TLS write: " + tls_error(n));
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// Buffered reads of the reply: lines for the head and chunk sizes, blocks for the body.
class Reader {
 public:
  explicit Reader(Connection& c) : m_c(c) {}
  Result<std::string> line() {
    while (true) {
      if (const auto end = m_buffer.find("\r\n", m_at); end != std::string::npos) {
        std::string out = m_buffer.substr(m_at, end - m_at);
        m_at = end + 2;
        return out;
      }
      if (m_buffer.size() - m_at > 64 * 1024) return fail(Code::server, "reply line too long");
      BERTH_ASSIGN(bool more, fill());
      if (!more) return fail(Code::server, "the connection closed in the reply's head");
    }
  }
  // Passes up to `limit` bytes (all until close when nothing) to `out`; false once it refuses.
  Result<std::uint64_t> body(std::optional<std::uint64_t> limit, const std::function<bool(const char*, std::size_t)>& out) {
    std::uint64_t passed = 0;
    while (!limit || passed < *limit) {
      if (m_at == m_buffer.size()) {
        BERTH_ASSIGN(bool more, fill());
        if (!more) break;
      }
      std::size_t n = m_buffer.size() - m_at;
      if (limit) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, *limit - passed));
      if (!out(m_buffer.data() + m_at, n)) return fail(Code::server, "the transfer was stopped");
      m_at += n;
      passed += n;
    }
    return passed;
  }

 private:
  Result<bool> fill() {
    m_buffer.erase(0, m_at);
    m_at = 0;
    char chunk[16 * 1024];
    BERTH_ASSIGN(std::size_t got, m_c.read(chunk, sizeof chunk));
    m_buffer.append(chunk, got);
    return got > 0;
  }

  Connection& m_c;
  std::string m_buffer;
  std::size_t m_at = 0;
};

std::optional<std::uint64_t> number(const std::string& text, int base) {
  std::uint64_t n = 0;
  const auto end = text.find_first_of("; \t");
  const std::string digits = text.substr(0, end);
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n, base);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty()) return std::nullopt;
  return n;
}

// Sends without SIGPIPE (the tunnel's peer may be gone) and without blocking.
int send_without_signal(void* context, const unsigned char* data, std::size_t size) {
  return send_with(static_cast<mbedtls_net_context*>(context)->fd, data, size, MSG_DONTWAIT);
}

// An established client session as the relay sees it.
class ClientChannel final : public SecureChannel {
 public:
  int socket() const override { return connection.net.fd; }
  ChannelIo read(char* out, std::size_t size) override {
    const int rc = mbedtls_ssl_read(&connection.ssl, reinterpret_cast<unsigned char*>(out), size);
    if (rc > 0) return {ChannelStatus::ok, static_cast<std::size_t>(rc)};
    return {status_of(rc)};
  }
  ChannelIo write(const char* data, std::size_t size) override {
    // mbedTLS resends a record it began only when given the same length again.
    const std::size_t length = m_pending_write ? std::min(m_pending_write, size) : size;
    const int rc = mbedtls_ssl_write(&connection.ssl, reinterpret_cast<const unsigned char*>(data), length);
    m_pending_write = rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE ? length : 0;
    if (rc > 0) return {ChannelStatus::ok, static_cast<std::size_t>(rc)};
    return {status_of(rc)};
  }
  void close_notify() override { mbedtls_ssl_close_notify(&connection.ssl); }

  Connection connection;
  IpName ip;  // what verify_ip_name checks against during the handshake

 private:
  static ChannelStatus status_of(int rc) {
    if (rc == MBEDTLS_ERR_SSL_WANT_READ) return ChannelStatus::want_read;
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) return ChannelStatus::want_write;
    return ChannelStatus::closed;
  }
  std::size_t m_pending_write = 0;
};

}  // namespace

Result<std::unique_ptr<SecureChannel>> open_tls_channel(const Target& target, const HttpOptions& options) {
  auto channel = std::make_unique<ClientChannel>();
  BERTH_TRY(open(channel->connection, target, options, channel->ip));
  // The handshake ran blocking, under the read timeout; the relay polls for itself.
  if (mbedtls_net_set_nonblock(&channel->connection.net) != 0) return fail(Code::server, "TLS: cannot make the socket non-blocking");
  mbedtls_ssl_set_bio(&channel->connection.ssl, &channel->connection.net, send_without_signal, mbedtls_net_recv, nullptr);
  return std::unique_ptr<SecureChannel>(std::move(channel));
}

Result<void> exchange_tls(const Target& target, const Outgoing& out, const HttpHeaders& headers, ReplyCollector& reply,
                          HttpResponse& response, const HttpOptions& options) {
  Connection c;
  IpName ip;
  BERTH_TRY(open(c, target, options, ip));
  std::string request = std::string(out.method) + " " + target.path + " HTTP/1.1\r\nHost: " + target.host_port +
                        "\r\nConnection: close\r\nUser-Agent: berth\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (out.method != "GET") request += "Content-Length: " + std::to_string(out.body.size()) + "\r\n";
  request += "\r\n";
  request += out.body;
  BERTH_TRY(write_all(c, request));
  Reader in(c);
  BERTH_ASSIGN(auto status_line, in.line());
  const auto space = status_line.find(' ');
  const auto status = space == std::string::npos ? std::nullopt : number(status_line.substr(space + 1, 3), 10);
  if (!status_line.starts_with("HTTP/1.") || !status) return fail(Code::server, "not an HTTP reply: " + status_line.substr(0, 60));
  while (true) {
    BERTH_ASSIGN(auto header, in.line());
    if (header.empty()) break;
    const auto colon = header.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = lowercase(header.substr(0, colon));
    std::string value = header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    response.headers[key] = value;
  }
  reply.head(static_cast<int>(*status));
  const auto sink = [&](const char* data, std::size_t size) { return reply.body(data, size); };
  if (response.headers["transfer-encoding"].find("chunked") != std::string::npos) {
    while (true) {
      BERTH_ASSIGN(auto size_line, in.line());
      const auto size = number(size_line, 16);
      if (!size) return fail(Code::server, "bad chunk size in the reply");
      if (*size == 0) break;
      BERTH_ASSIGN(auto got, in.body(*size, sink));
      if (got != *size) return fail(Code::server, "the connection closed in the middle of a chunk");
      BERTH_TRY(in.line());
    }
    return {};
  }
  if (response.headers.contains("content-length")) {
    const auto length = number(response.headers["content-length"], 10);
    if (!length) return fail(Code::server, "bad content-length in the reply");
    BERTH_ASSIGN(auto got, in.body(*length, sink));
    if (got != *length) return fail(Code::server, "the connection closed after " + std::to_string(got) + " of " +
                                                     std::to_string(*length) + " bytes");
    return {};
  }
  BERTH_TRY(in.body(std::nullopt, sink));
  return {};
}

}  // namespace berth::runtime::detail
