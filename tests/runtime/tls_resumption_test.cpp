// The https client resumes its TLS sessions, against a real peer: `openssl s_server -www`, whose
// status page says whether the connection's session was "New" or "Reused" (Debian's openssl
// package, which every machine this is built on has).
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "common/sha256.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/http/http_client.hpp"
#include "runtime/http/tls_sessions.hpp"
#include "runtime/linux/process.hpp"

namespace tls_resumption_test {

using namespace berth;
using namespace berth::runtime;

namespace {

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

struct OpensslServer {
  berth::testing::TempDir dir;
  pid_t pid = -1;
  int port = 0;
  std::string fingerprint;

  OpensslServer() {
    REQUIRE_FALSE(find_executable("openssl", "/usr/bin:/bin").empty());  // Debian's openssl package
    const std::string key = dir.path + "/key.pem", cert = dir.path + "/cert.pem", der = dir.path + "/cert.der";
    auto made = run_captured({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                              "-nodes", "-subj", "/CN=resumption", "-days", "1", "-keyout", key, "-out", cert},
                             {"PATH=/usr/bin:/bin"}, "");
    REQUIRE((made && made->exit_code == 0));
    auto converted = run_captured({"/usr/bin/openssl", "x509", "-in", cert, "-outform", "DER", "-out", der}, {"PATH=/usr/bin:/bin"}, "");
    REQUIRE((converted && converted->exit_code == 0));
    Sha256 digest;
    digest.update(read_file(der).value_or(""));
    fingerprint = digest.hex_digest();
    port = free_loopback_port();
    auto started = spawn_process({"/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert", cert,
                                  "-key", key, "-www", "-tls1_2"},
                                 {});
    REQUIRE(started.has_value());
    pid = *started;
  }
  ~OpensslServer() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }

  // The first GET, once the server answers (it listens a moment after its start).
  Result<HttpResponse> first_get() const {
    Result<HttpResponse> got = fail(Code::server, "not tried");
    for (int i = 0; i < 100 && !got; ++i) {
      got = get();
      if (!got) ::usleep(50'000);
    }
    return got;
  }

  Result<HttpResponse> get() const {
    HttpOptions options;
    options.timeout_s = 10;
    options.pinned_sha256 = fingerprint;
    return http_get("https://127.0.0.1:" + std::to_string(port) + "/", {}, {}, options);
  }
};

}  // namespace

TEST_CASE("tls client: a second connection to a server resumes the first one's session", "[runtime][http]") {
  OpensslServer server;
  const auto first = server.first_get();
  REQUIRE(first.has_value());
  CHECK(first->body.find("New, TLSv1.2") != std::string::npos);
  const auto second = server.get();
  REQUIRE(second.has_value());
  CHECK(second->body.find("Reused, TLSv1.2") != std::string::npos);
  CHECK(detail::kept_tls_sessions() >= 1);
}

TEST_CASE("tls client: a session is not resumed under another pinned certificate", "[runtime][http]") {
  OpensslServer server;
  const auto first = server.first_get();
  REQUIRE(first.has_value());
  // Another pin for the same server: its own key, so a full handshake, which the pin then refuses.
  HttpOptions other;
  other.timeout_s = 10;
  other.pinned_sha256 = std::string(64, 'a');
  const auto refused = http_get("https://127.0.0.1:" + std::to_string(server.port) + "/", {}, {}, other);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("not the pinned one") != std::string::npos);
}

}  // namespace tls_resumption_test
