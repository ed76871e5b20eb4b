// An HTTP/1.1 reply as bytes on the wire, and the AWS-shaped error replies the server itself
// gives (limits, timeouts, overload). Plain values; thread-compatible.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/dispatch.hpp"
#include "api/http_stream.hpp"

namespace berth::api {

struct HttpResponse;
// Sends a reply given later (HttpResponse::defer): callable once, from any thread; a reply for a
// connection that is gone, or a server that stopped, is dropped.
using ReplyWriter = std::function<void(HttpResponse)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = std::string(k_json_content_type);
  std::vector<std::pair<std::string, std::string>> headers;  // besides the framing ones
  std::string body;
  // A 101 reply on a unix-socket or TLS connection (plain TCP drops it): once the reply is
  // written, the server stops serving the connection and calls this with a blocking socket
  // carrying it (the connection's own, or for TLS a socketpair's end relayed through the
  // session), now the callee's, and any bytes the client sent after its request. Called on the event loop's thread, so it only hands the socket
  // on. Dropped unused (the connection closed) when the reply cannot be written.
  std::function<void(int socket, std::string early_input)> takeover{};
  // Set for a reply that comes later (a parked long poll): the worker calls it with the writer of
  // the real reply, and is free again at once; the rest of this response is not sent. The
  // connection waits, reading nothing, until the writer is called (or the loop's handler timeout).
  std::function<void(ReplyWriter)> defer{};
  // A 200 whose body goes on after `body` (api/http_stream.hpp): sent without Content-Length,
  // with Connection: close (the body ends when the connection does). Dropped for HEAD.
  std::shared_ptr<HttpStream> stream{};
};

// Returns `reply` as a response with its x-amzn-RequestId and, for an error, x-amzn-ErrorType.
HttpResponse to_response(const Reply& reply, std::string_view content_type = k_json_content_type);

// Returns an ECS error reply with `status` in place of the one its code maps to: the server's own
// answers (431, 408, 503, ...) keep the `{"__type", "message"}` shape clients parse.
HttpResponse http_error_response(int status, Code code, std::string message);

enum class BodyOmitted { no, yes };  // yes for HEAD: the headers of a GET, without its body
enum class KeepAlive { no, yes };

// Returns status line, headers (Content-Length, Connection as needed for `minor_version`) and
// body. Precondition: `response.status` is 100..599.
std::string serialize_response(const HttpResponse& response, int minor_version, KeepAlive keep_alive,
                               BodyOmitted omitted = BodyOmitted::no);

inline constexpr std::string_view k_continue_line = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace berth::api
