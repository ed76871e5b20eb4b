#include "api/http_response.hpp"

#include "common/ids.hpp"

namespace berth::api {
namespace {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return status < 400 ? "OK" : status < 500 ? "Bad Request" : "Internal Server Error";
  }
}

}  // namespace

HttpResponse to_response(const Reply& reply, std::string_view content_type) {
  HttpResponse response{reply.status, std::string(content_type), {{"x-amzn-RequestId", random_uuid()}}, reply.body};
  if (!reply.error_type.empty()) response.headers.emplace_back("x-amzn-ErrorType", reply.error_type);
  return response;
}

HttpResponse http_error_response(int status, Code code, std::string message) {
  Reply reply = error_reply({code, std::move(message)});
  reply.status = status;
  return to_response(reply);
}

std::string serialize_response(const HttpResponse& response, int minor_version, KeepAlive keep_alive,
                               BodyOmitted omitted) {
  std::string out;
  out.reserve(160 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  // A 101 has no body: its headers (Connection: Upgrade, Upgrade) are the response's own.
  if (response.status == 101) {
    for (const auto& [name, value] : response.headers) out += "\r\n" + name + ": " + value;
    return out += "\r\n\r\n";
  }
  out += "\r\nContent-Type: ";
  out += response.content_type;
  // A stream's body ends with the connection (http_stream.hpp).
  const bool streamed = response.stream && omitted == BodyOmitted::no;
  if (!streamed) {
    out += "\r\nContent-Length: ";
    out += std::to_string(response.body.size());
  }
  for (const auto& [name, value] : response.headers) {
    out += "\r\n";
    out += name;
    out += ": ";
    out += value;
  }
  if (keep_alive == KeepAlive::no || streamed) out += "\r\nConnection: close";
  else if (minor_version == 0) out += "\r\nConnection: keep-alive";
  out += "\r\n\r\n";
  if (omitted == BodyOmitted::no) out += response.body;
  return out;
}

}  // namespace berth::api
