#include "runtime/http/http_client.hpp"

#include <algorithm>
#include <cctype>

#include <httplib.h>

namespace berth::runtime {
namespace {

struct Url {
  std::string scheme;
  std::string host_port;  // "host" or "host:port"
  std::string target;     // "/path?query"
};

Result<Url> parse_url(const std::string& url) {
  const auto colon = url.find("://");
  if (colon == std::string::npos) return fail(Code::invalid_parameter, "not a URL: " + url);
  Url u;
  u.scheme = url.substr(0, colon);
  const auto rest = url.substr(colon + 3);
  const auto slash = rest.find('/');
  u.host_port = rest.substr(0, slash);
  u.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (u.host_port.empty() || (u.scheme != "http" && u.scheme != "https")) return fail(Code::invalid_parameter, "not an http(s) URL: " + url);
  return u;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

Result<HttpResponse> http_get(const std::string& start_url, const HttpHeaders& headers, const HttpSink& sink,
                              int timeout_s) {
  std::string url = start_url;
  BERTH_ASSIGN(const Url first, parse_url(url));
  for (int hop = 0; hop < 6; ++hop) {
    BERTH_ASSIGN(const Url u, parse_url(url));
    if (u.scheme == "https") {
      return fail(Code::invalid_parameter, "https is not available in this build of berth (" + url +
                                               "); use a registry on http (BERTH_INSECURE_REGISTRIES)");
    }
    httplib::Client client("http://" + u.host_port);
    client.set_connection_timeout(timeout_s, 0);
    client.set_read_timeout(timeout_s, 0);
    httplib::Headers request_headers;
    for (const auto& [name, value] : headers) {
      // Credentials are for the host they were meant for, not for wherever it redirects.
      if (lower(name) == "authorization" && u.host_port != first.host_port) continue;
      request_headers.emplace(name, value);
    }
    HttpResponse response;
    response.url = url;
    bool streaming = false;
    auto result = client.Get(
        u.target, request_headers,
        [&](const httplib::Response& r) {
          response.status = r.status;
          for (const auto& [name, value] : r.headers) response.headers[lower(name)] = value;
          streaming = sink && r.status >= 200 && r.status < 300;
          return true;
        },
        [&](const char* data, std::size_t size) {
          if (streaming) return sink(response.status, std::string_view(data, size));
          if (response.body.size() < (1u << 20)) response.body.append(data, size);
          return true;
        });
    if (!result) {
      if (result.error() == httplib::Error::Canceled) return fail(Code::server, "transfer from " + url + " was stopped");
      return fail(Code::server, "GET " + url + ": " + httplib::to_string(result.error()));
    }
    if (response.status >= 300 && response.status < 400 && response.headers.contains("location")) {
      std::string location = response.headers["location"];
      if (location.starts_with("/")) location = u.scheme + "://" + u.host_port + location;
      url = location;
      continue;
    }
    return response;
  }
  return fail(Code::server, "too many redirects from " + start_url);
}

}  // namespace berth::runtime
