// Cancelling an HTTP call from another thread (HttpOptions::cancel): against a server that never
// answers, the call ends once cancelled, with ECANCELED, and its connection is closed.
#include <catch2/catch.hpp>

#include <cerrno>
#include <future>

#include "fixtures/silent_server.hpp"
#include "runtime/http/http_client.hpp"

namespace http_cancel_test {

using namespace berth;
using berth::testing::SilentServer;

namespace {

// Longer than the hang guard, so that only a cancel ends the call within it (and a call the cancel
// missed ends soon after the guard failed, rather than holding the suite).
constexpr int k_long_timeout_s = 120;
constexpr auto k_hang_guard = std::chrono::seconds(60);

runtime::HttpOptions cancellable(Cancellation& cancel) {
  runtime::HttpOptions options;
  options.timeout_s = k_long_timeout_s;
  options.cancel = &cancel;
  // Pinned: no CA bundle is read, so the TLS case reaches its handshake on any machine.
  options.pinned_sha256 = std::string(64, '0');
  return options;
}

// Posts to `url` on another thread, cancels once the silent server has `seen` what it waits for,
// and returns the call's outcome.
Result<runtime::HttpResponse> cancelled_post(SilentServer& server, const std::string& url,
                                             const std::function<bool(const SilentServer&)>& seen) {
  Cancellation cancel;
  auto call = std::async(std::launch::async, [&] {
    return runtime::http_post(url, {{"Content-Type", "application/json"}}, "{}", cancellable(cancel));
  });
  REQUIRE(server.wait(seen));
  cancel.cancel();
  REQUIRE(call.wait_for(k_hang_guard) == std::future_status::ready);
  return call.get();
}

}  // namespace

TEST_CASE("http client: a call waiting for a reply that never comes ends when cancelled, its connection closed",
          "[runtime][http]") {
  SilentServer server;
  const auto posted = cancelled_post(server, "http://127.0.0.1:" + std::to_string(server.port()) + "/",
                                     [](const SilentServer& s) { return s.received.find("\r\n\r\n{}") != std::string::npos; });
  REQUIRE_FALSE(posted.has_value());
  CHECK(posted.error().sys_errno == ECANCELED);
  CHECK(posted.error().code == Code::server);
  REQUIRE(server.wait([](const SilentServer& s) { return s.closed_by_client == 1; }));
  CHECK(server.look([](const SilentServer& s) { return s.accepted; }) == 1);
}

TEST_CASE("http client: a TLS handshake the server never answers ends when cancelled, its connection closed",
          "[runtime][http]") {
  SilentServer server;
  // The ClientHello arrived: the client waits for the server's.
  const auto posted = cancelled_post(server, "https://127.0.0.1:" + std::to_string(server.port()) + "/",
                                     [](const SilentServer& s) { return !s.received.empty(); });
  REQUIRE_FALSE(posted.has_value());
  CHECK(posted.error().sys_errno == ECANCELED);
  REQUIRE(server.wait([](const SilentServer& s) { return s.closed_by_client == 1; }));
  CHECK(server.look([](const SilentServer& s) { return s.accepted; }) == 1);
}

TEST_CASE("http client: a call made after its cancel ends at once without connecting", "[runtime][http]") {
  SilentServer server;
  Cancellation cancel;
  cancel.cancel();
  for (const std::string scheme : {"http", "https"}) {
    const auto posted =
        runtime::http_post(scheme + "://127.0.0.1:" + std::to_string(server.port()) + "/", {}, "{}", cancellable(cancel));
    REQUIRE_FALSE(posted.has_value());
    CHECK(posted.error().sys_errno == ECANCELED);
    const auto got = runtime::http_get(scheme + "://127.0.0.1:" + std::to_string(server.port()) + "/", {}, {},
                                       cancellable(cancel));
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().sys_errno == ECANCELED);
  }
  // Nothing connected (a connection made would most often be accepted by now: this can miss one
  // that was made, never report one that was not).
  CHECK(server.look([](const SilentServer& s) { return s.accepted; }) == 0);
}

}  // namespace http_cancel_test
