#include "api/local_client.hpp"

#include <sys/socket.h>

#include <httplib.h>

namespace berth::api {

namespace {

Result<LocalReply> reply_of(const httplib::Result& res, const std::string& socket_path) {
  if (!res) {
    return fail(Code::server, "cannot reach berth at " + socket_path + " (" + httplib::to_string(res.error()) +
                                  "); is `berth serve` running?");
  }
  return LocalReply{res->status, res->body};
}

void configure(httplib::Client& client) {
  client.set_address_family(AF_UNIX);
  client.set_read_timeout(30, 0);
}

}  // namespace

Result<LocalReply> local_get(const std::string& socket_path, const std::string& path_and_query) {
  httplib::Client client(socket_path);
  configure(client);
  return reply_of(client.Get(path_and_query.c_str()), socket_path);
}

Result<LocalReply> local_post(const std::string& socket_path, const std::string& target, const std::string& body) {
  httplib::Client client(socket_path);
  configure(client);
  const httplib::Headers headers = {{"X-Amz-Target", target}};
  return reply_of(client.Post("/", headers, body, "application/x-amz-json-1.1"), socket_path);
}

std::string url_encode(const std::string& value) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 15]);
    }
  }
  return out;
}

}  // namespace berth::api
