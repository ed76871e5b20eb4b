#include "runtime/http/http_client.hpp"

#include <cerrno>
#include <charconv>

#include "runtime/http/transport.hpp"

namespace berth::runtime {
namespace detail {

Result<Url> parse_url(const std::string& url) {
  const auto colon = url.find("://");
  if (colon == std::string::npos) return fail(Code::invalid_parameter, "not a URL: " + url);
  Url u;
  u.scheme = url.substr(0, colon);
  const auto rest = url.substr(colon + 3);
  const auto slash = rest.find('/');
  auto& t = u.target;
  t.host_port = rest.substr(0, slash);
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (t.host_port.empty() || (u.scheme != "http" && u.scheme != "https")) {
    return fail(Code::invalid_parameter, "not an http(s) URL: " + url);
  }
  t.port = u.scheme == "https" ? 443 : 80;
  t.host = t.host_port;
  const auto close = t.host_port.find(']');
  const auto port_colon = t.host_port.rfind(':');
  if (port_colon != std::string::npos && (close == std::string::npos || port_colon > close)) {
    t.host = t.host_port.substr(0, port_colon);
    const std::string port = t.host_port.substr(port_colon + 1);
    if (std::from_chars(port.data(), port.data() + port.size(), t.port).ec != std::errc() || t.port < 1 || t.port > 65535) {
      return fail(Code::invalid_parameter, "bad port in URL: " + url);
    }
  }
  if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') t.host = t.host.substr(1, t.host.size() - 2);
  return u;
}

Result<void> exchange(const Url& u, const Outgoing& out, const HttpHeaders& headers, ReplyCollector& reply,
                      HttpResponse& response, const HttpOptions& options) {
  const auto cancelled = [&] { return options.cancel && options.cancel->cancelled(); };
  if (cancelled()) return fail(Code::server, "cancelled", ECANCELED);
  auto done = u.scheme == "https" ? exchange_tls(u.target, out, headers, reply, response, options)
                                  : exchange_plain(u.target, out, headers, reply, response, options);
  // Whatever the cut connection looked like to the transport (a reset, an early end).
  if (!done && cancelled()) return fail(Code::server, "cancelled", ECANCELED);
  return done;
}

}  // namespace detail

using detail::parse_url;
using detail::Url;

Result<HttpResponse> http_get(const std::string& start_url, const HttpHeaders& headers, const HttpSink& sink,
                              const HttpOptions& options) {
  std::string url = start_url;
  BERTH_ASSIGN(const Url first, parse_url(url));
  for (int hop = 0; hop < 6; ++hop) {
    BERTH_ASSIGN(const Url u, parse_url(url));
    HttpHeaders sent;
    for (const auto& [name, value] : headers) {
      // Credentials are for the host they were meant for, not for wherever it redirects.
      if (detail::lowercase(name) == "authorization" && u.target.host_port != first.target.host_port) continue;
      sent.emplace_back(name, value);
    }
    HttpResponse response;
    response.url = url;
    detail::ReplyCollector reply(response, sink);
    auto done = detail::exchange(u, {}, sent, reply, response, options);
    if (!done) return std::unexpected(done.error().wrap("GET " + url));
    if (response.status >= 300 && response.status < 400 && response.headers.contains("location")) {
      std::string location = response.headers["location"];
      if (location.starts_with("/")) location = u.scheme + "://" + u.target.host_port + location;
      url = location;
      continue;
    }
    return response;
  }
  return fail(Code::server, "too many redirects from " + start_url);
}

Result<HttpResponse> http_post(const std::string& url, const HttpHeaders& headers, std::string_view body,
                               const HttpOptions& options, const HttpSink& sink) {
  BERTH_ASSIGN(const Url u, parse_url(url));
  HttpResponse response;
  response.url = url;
  detail::ReplyCollector reply(response, sink);
  const detail::Outgoing out{"POST", body};
  auto done = detail::exchange(u, out, headers, reply, response, options);
  if (!done) return std::unexpected(done.error().wrap("POST " + url));
  return response;
}

}  // namespace berth::runtime
