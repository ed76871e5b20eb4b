#include "api/local_client.hpp"

#include <sys/socket.h>

#include <httplib.h>

namespace berth::api {

Result<LocalReply> local_get(const std::string& socket_path, const std::string& path_and_query) {
  httplib::Client client(socket_path);
  client.set_address_family(AF_UNIX);
  client.set_read_timeout(30, 0);
  auto res = client.Get(path_and_query.c_str());
  if (!res) {
    return fail(Code::server, "cannot reach berth at " + socket_path + " (" + httplib::to_string(res.error()) +
                                  "); is `berth serve` running?");
  }
  return LocalReply{res->status, res->body};
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
