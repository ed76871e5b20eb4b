// The plain-HTTP transport through cpp-httplib.
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>

#include "runtime/http/transport.hpp"

namespace berth::runtime::detail {

Result<void> exchange_plain(const Target& target, const Outgoing& out, const HttpHeaders& headers, ReplyCollector& reply,
                            HttpResponse& response, const HttpOptions& options) {
  httplib::Client client(target.host, target.port);
  client.set_connection_timeout(std::min(options.timeout_s, k_connect_timeout_s), 0);
  client.set_read_timeout(options.timeout_s, 0);
  // Client::stop shuts the socket of a request under way down (thread-safe: under the client's
  // socket mutex); a socket made after a cancel is shut down as it is made (connect then succeeds,
  // and the first write fails), since stop() finds none before then. cancelled() takes no lock:
  // the socket options run under the client's socket mutex, which stop() takes under the
  // cancellation's.
  std::optional<Cancellation::Attachment> attached;
  if (Cancellation* cancel = options.cancel) {
    client.set_socket_options([cancel](int socket) {
      if (cancel->cancelled()) ::shutdown(socket, SHUT_RDWR);
    });
    attached.emplace(cancel->attach([&client] { client.stop(); }));
  }
  httplib::Headers request_headers(headers.begin(), headers.end());
  if (out.method == "POST") {
    // Replies to a POST (berth's API) are small JSON documents: collected whole.
    std::string content_type = "application/octet-stream";
    for (const auto& [name, value] : headers) {
      if (lowercase(name) == "content-type") content_type = value;
    }
    request_headers.erase("Content-Type");
    auto posted = client.Post(target.path, request_headers, std::string(out.body), content_type);
    if (!posted) return fail(Code::server, httplib::to_string(posted.error()));
    for (const auto& [name, value] : posted->headers) response.headers[lowercase(name)] = value;
    reply.head(posted->status);
    if (!reply.body(posted->body.data(), posted->body.size())) return fail(Code::server, "the transfer was stopped");
    return {};
  }
  auto result = client.Get(
      target.path, request_headers,
      [&](const httplib::Response& r) {
        for (const auto& [name, value] : r.headers) response.headers[lowercase(name)] = value;
        reply.head(r.status);
        return true;
      },
      [&](const char* data, std::size_t size) { return reply.body(data, size); });
  if (!result) {
    if (result.error() == httplib::Error::Canceled) return fail(Code::server, "the transfer was stopped");
    return fail(Code::server, httplib::to_string(result.error()));
  }
  return {};
}

}  // namespace berth::runtime::detail
