#include "cli/signed_http.hpp"

namespace berth::cli {

std::string host_port_of(const std::string& url) {
  const auto start = url.find("://");
  const auto host = url.substr(start == std::string::npos ? 0 : start + 3);
  return host.substr(0, host.find('/'));
}

Result<runtime::HttpResponse> send_signed(const std::string& base_url, const SignedRequest& request,
                                          const runtime::HttpOptions& options, std::size_t max_reply_bytes) {
  api::auth::SignedHeaderList headers = request.headers;
  if (request.credentials) {
    headers = api::auth::sign_request(request.method, host_port_of(base_url), request.path_and_query, headers, request.body,
                                      *request.credentials, request.service, request.epoch_seconds);
  }
  std::string answered;  // a 2xx body; any other stays in the response's (bounded) body
  bool too_large = false;
  const runtime::HttpSink collect = [&](int, std::string_view bytes) {
    too_large = answered.size() + bytes.size() > max_reply_bytes;
    if (!too_large) answered.append(bytes);
    return !too_large;
  };
  const std::string url = base_url + request.path_and_query;
  auto sent = request.method == "GET" ? runtime::http_get(url, headers, collect, options)
                                      : runtime::http_post(url, headers, request.body, options, collect);
  if (too_large) {
    return fail(Code::server, "the reply to " + request.method + " " + request.path_and_query + " is larger than " +
                                  std::to_string(max_reply_bytes >> 20) + " MiB");
  }
  if (!sent) return std::unexpected(sent.error());
  if (sent->status >= 200 && sent->status < 300) sent->body = std::move(answered);
  return sent;
}

}  // namespace berth::cli
