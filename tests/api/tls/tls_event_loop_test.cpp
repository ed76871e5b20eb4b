// The event loop's TLS transport end to end in one process: an mbedTLS client trusting the
// generated certificate against an HttpEventLoop whose listener carries a TlsServerConfig.
#include <arpa/inet.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "api/http_event_loop.hpp"
#include "api/tls/tls_certificate.hpp"
#include "api/tls/tls_server.hpp"
#include "fixtures/loopback_socket.hpp"
#include "runtime/http/tls_tunnel.hpp"
#include "fixtures/temp_dir.hpp"

namespace tls_event_loop_test {

using namespace berth;
using namespace berth::api;
using berth::testing::connect_to;
using berth::testing::loopback_listener;
using berth::testing::TempDir;

namespace {

// Reads until the peer closes; true when it closed (rather than timed out).
bool read_until_closed(int fd, std::string& out) {
  char buffer[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

// A 101 whose taker answers on the plain socket it gets: "echo:" and the first line the client
// sends after its request, then 200 KB of '+' (more than a TLS record and the relay's buffers),
// then closes.
HttpResponse upgrade_to_echo() {
  HttpResponse response{101, "", {{"Connection", "Upgrade"}, {"Upgrade", "echo"}}, ""};
  response.takeover = [](int socket, std::string early_input) {
    std::thread([socket, line = std::move(early_input)]() mutable {
      char buffer[256];
      while (line.find('\n') == std::string::npos) {
        const ssize_t n = ::read(socket, buffer, sizeof buffer);
        if (n <= 0) break;
        line.append(buffer, static_cast<std::size_t>(n));
      }
      const std::string reply = "echo:" + line + std::string(200'000, '+');
      for (std::size_t sent = 0; sent < reply.size();) {
        const ssize_t n = ::send(socket, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(socket);
    }).detach();
  };
  return response;
}

// The generated certificate in a temporary directory and a loop serving TLS with it; the
// handler answers "<target>:<body size>" padded to the size the X-Reply-Size header asks, and
// holds a request to /hold until `released`.
struct TlsLoop {
  std::atomic<bool> released{false};
  std::atomic<bool> holding{false};
  TempDir dir;
  tls::CertificatePaths paths;
  int port = 0;
  std::unique_ptr<HttpEventLoop> loop;

  explicit TlsLoop(HttpLoopOptions options = {}) {
    REQUIRE(tls::ensure_self_signed(dir.path, {"gateway", {"gateway", "localhost"}, {"127.0.0.1"}}));
    paths = tls::generated_paths(dir.path);
    auto config = tls::TlsServerConfig::load(paths);
    REQUIRE(config);
    const auto [fd, bound] = loopback_listener();
    port = bound;
    auto started = HttpEventLoop::start({{fd, HttpListener::Kind::tcp, *config}}, options, [this](const HttpRequest& request, const HttpPeer& peer) {
      if (request.target == "/upgrade") return upgrade_to_echo();
      if (request.target == "/hold") holding = true;
      while (request.target == "/hold" && !released) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      HttpResponse response;
      response.body = request.target + ":" + std::to_string(request.body.size());
      if (request.target == "/peer") {
        response.body += peer.transport == HttpPeer::Transport::tls ? " tls " : " not-tls ";
        response.body += peer.address + (peer.loopback ? " loopback" : "");
      }
      if (request.has_header("x-reply-size")) response.body.resize(std::stoul(std::string(request.header("x-reply-size"))), '.');
      return response;
    });
    REQUIRE(started);
    loop = std::move(*started);
  }
};

// A blocking mbedTLS client that trusts only `ca_file` and checks the name "localhost".
struct TlsClient {
  int fd;
  mbedtls_net_context net;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_config config;
  mbedtls_x509_crt trusted;
  mbedtls_ctr_drbg_context random;
  mbedtls_entropy_context entropy;

  TlsClient(int port, const std::string& ca_file) : fd(connect_to(port)) {
    mbedtls_net_init(&net);
    net.fd = fd;
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&config);
    mbedtls_x509_crt_init(&trusted);
    mbedtls_ctr_drbg_init(&random);
    mbedtls_entropy_init(&entropy);
    REQUIRE(mbedtls_ctr_drbg_seed(&random, mbedtls_entropy_func, &entropy, nullptr, 0) == 0);
    REQUIRE(mbedtls_x509_crt_parse_file(&trusted, ca_file.c_str()) == 0);
    REQUIRE(mbedtls_ssl_config_defaults(&config, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                        MBEDTLS_SSL_PRESET_DEFAULT) == 0);
    mbedtls_ssl_conf_authmode(&config, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&config, &trusted, nullptr);
    mbedtls_ssl_conf_rng(&config, mbedtls_ctr_drbg_random, &random);
    REQUIRE(mbedtls_ssl_setup(&ssl, &config) == 0);
    REQUIRE(mbedtls_ssl_set_hostname(&ssl, "localhost") == 0);
    mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, mbedtls_net_recv, nullptr);
  }
  ~TlsClient() {
    mbedtls_net_free(&net);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&config);
    mbedtls_x509_crt_free(&trusted);
    mbedtls_ctr_drbg_free(&random);
    mbedtls_entropy_free(&entropy);
  }

  int handshake() {
    int rc;
    while ((rc = mbedtls_ssl_handshake(&ssl)) == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
    }
    return rc;
  }
  void send(const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      const int n = mbedtls_ssl_write(&ssl, reinterpret_cast<const unsigned char*>(data.data() + done), data.size() - done);
      REQUIRE(n > 0);
      done += static_cast<std::size_t>(n);
    }
  }
  // Reads one reply with a Content-Length body.
  std::string reply() {
    std::string out;
    char buffer[4096];
    while (true) {
      const auto head_end = out.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const auto at = out.find("Content-Length: ");
        REQUIRE(at != std::string::npos);
        const std::size_t length = std::stoul(out.substr(at + 16));
        if (out.size() >= head_end + 4 + length) return out;
      }
      const int n = mbedtls_ssl_read(&ssl, reinterpret_cast<unsigned char*>(buffer), sizeof buffer);
      if (n <= 0) return out;
      out.append(buffer, static_cast<std::size_t>(n));
    }
  }
};

}  // namespace

TEST_CASE("tls event loop: requests and replies over TLS, several on one connection, larger than a record", "[tls][api]") {
  TlsLoop server;
  TlsClient client(server.port, server.paths.certificate);
  REQUIRE(client.handshake() == 0);
  CHECK(std::string(mbedtls_ssl_get_version(&client.ssl)) == "TLSv1.2");

  client.send("GET /peer HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string first = client.reply();
  CHECK(first.starts_with("HTTP/1.1 200 OK"));
  CHECK(first.ends_with("/peer:0 tls 127.0.0.1 loopback"));

  // A body over several TLS records in, a reply over several records out.
  const std::string body(100'000, 'b');
  client.send("POST /second HTTP/1.1\r\nHost: x\r\nX-Reply-Size: 200000\r\nContent-Length: 100000\r\n\r\n" + body);
  const std::string second = client.reply();
  CHECK(second.starts_with("HTTP/1.1 200 OK"));
  CHECK(second.find("/second:100000") != std::string::npos);
  CHECK(second.size() > 200'000);

  // Two requests in one write: the second waits inside the TLS session, not in the socket.
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(client.reply().ends_with("/a:0"));
  CHECK(client.reply().ends_with("/b:0"));
}

TEST_CASE("tls event loop: requests that wait inside the TLS session, not the socket, are still read", "[tls][api]") {
  TlsLoop server;
  TlsClient client(server.port, server.paths.certificate);
  REQUIRE(client.handshake() == 0);
  // While /hold is with the handler the loop reads nothing more, so what follows waits in the
  // socket. Once the reply is out, the first read of the session takes the socket's bytes into
  // its read-ahead: then the later requests are inside the session, with nothing left in the
  // socket to wake the loop.
  client.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
  while (!server.holding) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  SECTION("two small records") {
    client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    client.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    server.released = true;
    CHECK(client.reply().ends_with("/hold:0"));
    CHECK(client.reply().ends_with("/a:0"));
    CHECK(client.reply().ends_with("/b:0"));
  }
  SECTION("a head, then a body over 4 full records") {
    client.send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n");
    client.send(std::string(65536, 'z'));
    server.released = true;
    CHECK(client.reply().ends_with("/hold:0"));
    const std::string big = client.reply();
    CHECK(big.starts_with("HTTP/1.1 200 OK"));
    CHECK(big.ends_with("/big:65536"));
  }
}

TEST_CASE("tls event loop: a client that does not trust the certificate fails the handshake", "[tls][api]") {
  TlsLoop server;
  TlsLoop other;  // another generated certificate: not the one the server presents
  TlsClient client(server.port, other.paths.certificate);
  CHECK(client.handshake() == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
}

TEST_CASE("tls event loop: plain HTTP sent to the TLS port gets no HTTP reply, only a close", "[tls][api]") {
  TlsLoop server;
  const int fd = connect_to(server.port);
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string reply;
  CHECK(read_until_closed(fd, reply));
  CHECK(reply.find("HTTP/") == std::string::npos);
  ::close(fd);

  // The port still serves TLS.
  TlsClient client(server.port, server.paths.certificate);
  CHECK(client.handshake() == 0);
}

TEST_CASE("tls event loop: a handshake that stalls is closed at the request timeout", "[tls][api]") {
  HttpLoopOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  TlsLoop server(options);
  SECTION("nothing sent") {
    const int fd = connect_to(server.port);
    std::string reply;
    CHECK(read_until_closed(fd, reply));
    CHECK(reply.empty());
    ::close(fd);
  }
  SECTION("half a ClientHello") {
    // A TLS record header announcing 512 bytes of handshake, then silence.
    const unsigned char partial[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03};
    const int fd = connect_to(server.port);
    REQUIRE(::send(fd, partial, sizeof partial, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof partial));
    std::string reply;
    CHECK(read_until_closed(fd, reply));
    CHECK(reply.find("HTTP/") == std::string::npos);
    ::close(fd);
  }
}

TEST_CASE("tls event loop: a 101 hands the TLS connection over as a plain socket; a tunnel reaches it", "[tls][api]") {
  TlsLoop server;
  runtime::HttpOptions trust;
  trust.system_ca_file = "";
  trust.ca_file = server.paths.certificate;
  auto tunnel = runtime::TlsTunnel::open("https://127.0.0.1:" + std::to_string(server.port), trust);
  REQUIRE(tunnel.has_value());
  // The line after the request may arrive with it (the hand-over's early input) or after the 101.
  const std::string request = "POST /upgrade HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nhello\n";
  REQUIRE(::send((*tunnel)->socket(), request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string received;
  REQUIRE(read_until_closed((*tunnel)->socket(), received));
  CHECK(received.starts_with("HTTP/1.1 101"));
  const auto head_end = received.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  CHECK(received.substr(head_end + 4) == "echo:hello\n" + std::string(200'000, '+'));
  // An untrusted server is refused before anything is sent, naming the URL.
  runtime::HttpOptions nobody;
  nobody.system_ca_file = "/nonexistent";
  nobody.pinned_sha256 = std::string(64, '0');
  const auto refused = runtime::TlsTunnel::open("https://127.0.0.1:" + std::to_string(server.port), nobody);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.starts_with("CONNECT https://127.0.0.1:"));
  CHECK(refused.error().message.find("not the pinned one") != std::string::npos);
}

}  // namespace tls_event_loop_test
