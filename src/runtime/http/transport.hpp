// One HTTP GET exchange on one connection, for http_get: the plain transport (cpp-httplib)
// and the TLS one (mbedTLS). Internal to runtime/http/.
#pragma once

#include <cctype>
#include <memory>
#include <string>

#include "common/channel_relay.hpp"
#include "runtime/http/http_client.hpp"

namespace berth::runtime::detail {

// HTTP header names compare case-insensitively: they are kept lower-cased.
inline std::string lowercase(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Target {
  std::string host;       // without brackets or port
  int port = 0;
  std::string host_port;  // as in the URL, for Host:
  std::string path;       // "/path?query"
};

// Collects a reply: head first, then body bytes; a 2xx body goes to the sink, any other is
// kept (bounded) for error messages.
class ReplyCollector {
 public:
  ReplyCollector(HttpResponse& response, const HttpSink& sink) : m_response(response), m_sink(sink) {}
  void head(int status) {
    m_response.status = status;
    m_streaming = m_sink && status >= 200 && status < 300;
  }
  bool body(const char* data, std::size_t size) {
    if (m_streaming) return m_sink(m_response.status, std::string_view(data, size));
    if (m_response.body.size() < (1u << 20)) m_response.body.append(data, size);
    return true;
  }

 private:
  HttpResponse& m_response;
  const HttpSink& m_sink;
  bool m_streaming = false;
};

struct Url {
  std::string scheme;  // "http" or "https"
  Target target;
};

// A blocking TCP socket connected to `target` (each of its addresses in turn) within `timeout_s`
// in all: the kernel's own connect to a silent host takes minutes (its SYN retries). Code::server
// with the errno when none answered.
[[nodiscard]] Result<int> connect_tcp(const Target& target, int timeout_s);
inline constexpr int k_connect_timeout_s = 10;  // the TLS transport's bound on a connect

// Splits an http(s)://HOST[:PORT][/path] URL; InvalidParameter for anything else or a bad port.
[[nodiscard]] Result<Url> parse_url(const std::string& url);

// What is sent: GET without a body, or POST with one.
struct Outgoing {
  std::string_view method = "GET";
  std::string_view body;
};

// One exchange by the URL's scheme; a cancelled one (HttpOptions::cancel) fails with ECANCELED.
[[nodiscard]] Result<void> exchange(const Url& u, const Outgoing& out, const HttpHeaders& headers, ReplyCollector& reply,
                                    HttpResponse& response, const HttpOptions& options);
// Each attaches its connection to options.cancel while it runs.
[[nodiscard]] Result<void> exchange_plain(const Target& target, const Outgoing& out, const HttpHeaders& headers,
                                          ReplyCollector& reply, HttpResponse& response, const HttpOptions& options);
// Errors: sys_errno EPROTO when the peer does not speak TLS at all (a plain HTTP server).
[[nodiscard]] Result<void> exchange_tls(const Target& target, const Outgoing& out, const HttpHeaders& headers,
                                        ReplyCollector& reply, HttpResponse& response, const HttpOptions& options);
// A TLS session with `target`, its certificate checked as for exchange_tls, over a non-blocking
// socket: for common/channel_relay.hpp (tls_tunnel.hpp). The same errors as exchange_tls.
[[nodiscard]] Result<std::unique_ptr<SecureChannel>> open_tls_channel(const Target& target, const HttpOptions& options);

}  // namespace berth::runtime::detail
