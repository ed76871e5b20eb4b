#include "cli/advertised_endpoint.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <unistd.h>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"

namespace berth::cli {
namespace {

// The words of a /proc/net/route line (columns are separated by tabs and padded with spaces).
std::vector<std::string_view> route_columns(std::string_view line) {
  std::vector<std::string_view> columns;
  for (const auto column : split(line, '\t')) {
    if (const auto word = trim(column); !word.empty()) columns.push_back(word);
  }
  return columns;
}

// The IPv4 address of interface `name` (any non-loopback, non-link-local one when `name` is
// empty); "" when there is none.
std::string ipv4_address_of(const std::string& name) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string found;
  for (const ifaddrs* a = list; a && found.empty(); a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || !(a->ifa_flags & IFF_UP)) continue;
    if (name.empty() ? (a->ifa_flags & IFF_LOOPBACK) != 0 : name != a->ifa_name) continue;
    const auto& in = reinterpret_cast<const sockaddr_in&>(*a->ifa_addr);
    if ((ntohl(in.sin_addr.s_addr) >> 16) == 0xa9fe) continue;  // 169.254/16: this link only
    char text[INET_ADDRSTRLEN] = {};
    if (::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text)) found = text;
  }
  ::freeifaddrs(list);
  return found;
}

std::string reachable_host() {
  if (auto table = read_file("/proc/net/route")) {
    if (const auto interface = default_route_interface(*table)) {
      if (auto address = ipv4_address_of(*interface); !address.empty()) return address;
    }
  }
  if (auto address = ipv4_address_of(""); !address.empty()) return address;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0') return name;
  return "localhost";
}

}  // namespace

bool is_wildcard_host(std::string_view host) { return host == "0.0.0.0" || host == "[::]"; }

std::optional<std::string> default_route_interface(std::string_view proc_net_route) {
  std::optional<std::string> best;
  unsigned best_metric = 0;
  bool header = true;
  for (const auto line : split(proc_net_route, '\n')) {
    const auto columns = route_columns(line);
    if (header) {  // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
      if (columns.size() < 8 || columns[0] != "Iface" || columns[1] != "Destination" || columns[6] != "Metric" ||
          columns[7] != "Mask") {
        return std::nullopt;
      }
      header = false;
      continue;
    }
    if (columns.size() < 8) continue;
    const auto flags = parse_integer<unsigned>(columns[3], 16);
    const auto metric = parse_integer<unsigned>(columns[6]);
    const bool default_route = columns[1] == "00000000" && columns[7] == "00000000";
    if (!default_route || !flags || !(*flags & RTF_UP) || !metric) continue;
    if (!best || *metric < best_metric) {
      best = std::string(columns[0]);
      best_metric = *metric;
    }
  }
  return best;
}

std::string advertised_api_url(std::string_view listen, int port, bool tls) {
  std::string host(listen.substr(0, listen.rfind(':')));
  if (is_wildcard_host(host)) host = reachable_host();
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

}  // namespace berth::cli
