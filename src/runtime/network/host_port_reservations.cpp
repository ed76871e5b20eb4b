#include "runtime/network/host_port_reservations.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <variant>

namespace berth::runtime {
namespace {

std::string describe(const HostPort& port) { return "0.0.0.0:" + std::to_string(port.port) + "/" + port.protocol; }

// Docker's words for the same refusal, so the stoppedReason reads as users know it.
std::string allocated(const HostPort& port) {
  return "Bind for " + describe(port) + " failed: port is already allocated (another program on the host holds it)";
}

// `port` bound on 0.0.0.0, or the errno of the refusal.
std::variant<UniqueFd, int> try_bind(const HostPort& port) {
  const int type = port.protocol == "udp" ? SOCK_DGRAM : SOCK_STREAM;
  UniqueFd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return errno;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port.port));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) return errno;
  return fd;
}

Result<void> check_port(const HostPort& port) {
  if (port.port < 1 || port.port > 65535) return fail(Code::client, "host port " + std::to_string(port.port) + " is out of range");
  if (port.protocol != "tcp" && port.protocol != "udp") return fail(Code::client, "unknown protocol " + port.protocol);
  return {};
}

// The error of a refused bind of `port`: Docker's words for one in use.
Error bind_error(const HostPort& port, int error) {
  if (error == EADDRINUSE) return Error{Code::client, allocated(port)};
  return Error{Code::server, "cannot hold host port " + describe(port) + ": " + std::strerror(error)};
}

bool same_port(const HostPort& a, const HostPort& b) { return a.port == b.port && a.protocol == b.protocol; }

// The ports tried in place of a taken one, in order, each one `eligible` says: all of a small
// range shuffled, else k_dynamic_port_attempts distinct ones drawn at random, not scanned on from
// the taken port: the kernel hands out source ports near each other, so a taken port's
// neighbours are likelier taken too.
template <class Eligible>
std::vector<int> candidates(std::pair<int, int> range, std::mt19937_64& rng, const Eligible& eligible) {
  const long long span = static_cast<long long>(range.second) - range.first + 1;
  std::vector<int> out;
  if (span <= 0) return out;
  if (span <= 2 * k_dynamic_port_attempts) {
    for (int p = range.first; p <= range.second; ++p) {
      if (eligible(p)) out.push_back(p);
    }
    std::shuffle(out.begin(), out.end(), rng);
    if (out.size() > static_cast<std::size_t>(k_dynamic_port_attempts)) out.resize(k_dynamic_port_attempts);
    return out;
  }
  std::set<int> drawn;
  std::uniform_int_distribution<int> pick(range.first, range.second);
  // Bounded: in a range this large, repeats and ineligible draws are few.
  for (int n = 0; n < 8 * k_dynamic_port_attempts && out.size() < static_cast<std::size_t>(k_dynamic_port_attempts); ++n) {
    const int p = pick(rng);
    if (drawn.insert(p).second && eligible(p)) out.push_back(p);
  }
  return out;
}

}  // namespace

Result<void> HostPortReservations::reserve(const std::string& task_id, const std::vector<HostPort>& ports) {
  std::vector<WantedPort> wanted;
  for (const auto& p : ports) wanted.push_back(WantedPort{p, false});
  BERTH_TRY(reserve(task_id, wanted, DynamicPorts{}));
  return {};
}

Result<HostPortReservations::Held> HostPortReservations::stand_in(const HostPort& wanted, const DynamicPorts& dynamic,
                                                                  const std::vector<WantedPort>& asked) {
  const auto& reserved = wanted.protocol == "udp" ? dynamic.reserved_udp : dynamic.reserved_tcp;
  // Another port of this task's is its own to take (placement gave it); a reserved one no task's.
  const auto eligible = [&](int p) {
    const HostPort candidate{p, wanted.protocol};
    const bool asked_for = std::any_of(asked.begin(), asked.end(), [&](const WantedPort& w) { return same_port(w.port, candidate); });
    return !asked_for && !reserved.contains(p) && check_port(candidate).has_value();
  };
  const auto tried = candidates(dynamic.range, m_rng, eligible);
  for (const int p : tried) {
    auto bound = try_bind(HostPort{p, wanted.protocol});
    if (auto* fd = std::get_if<UniqueFd>(&bound)) return Held{HostPort{p, wanted.protocol}, std::move(*fd)};
  }
  return fail(Code::client, allocated(wanted) + ", and none of the " + std::to_string(tried.size()) +
                                " other ports tried of the dynamic host port range " + std::to_string(dynamic.range.first) +
                                "-" + std::to_string(dynamic.range.second) + " was free");
}

Result<std::vector<HostPort>> HostPortReservations::reserve(const std::string& task_id, const std::vector<WantedPort>& ports,
                                                            const DynamicPorts& dynamic) {
  MutexLock lock(m_mutex);
  auto& held = m_held[task_id];
  std::vector<Held> added;  // closed on return unless kept: a failed call leaves nothing of its own
  std::vector<HostPort> out;
  std::optional<Error> failed;
  for (const auto& wanted : ports) {
    const HostPort& port = wanted.port;
    out.push_back(port);
    const auto same = [&](const Held& h) { return same_port(h.port, port); };
    if (std::any_of(held.begin(), held.end(), same) || std::any_of(added.begin(), added.end(), same)) continue;
    if (auto checked = check_port(port); !checked) {
      failed = checked.error();
      break;
    }
    auto bound = try_bind(port);
    if (auto* fd = std::get_if<UniqueFd>(&bound)) {
      added.push_back(Held{port, std::move(*fd)});
      continue;
    }
    const int error = std::get<int>(bound);
    auto other = error == EADDRINUSE && wanted.dynamic ? stand_in(port, dynamic, ports)
                                                       : Result<Held>(std::unexpected(bind_error(port, error)));
    if (!other) {
      failed = other.error();
      break;
    }
    out.back() = other->port;
    added.push_back(std::move(*other));
  }
  if (!failed) {
    for (auto& h : added) held.push_back(std::move(h));
  }
  if (held.empty()) m_held.erase(task_id);
  if (failed) return std::unexpected(*failed);
  return out;
}

void HostPortReservations::release(const std::string& task_id) {
  MutexLock lock(m_mutex);
  m_held.erase(task_id);
}

std::vector<HostPort> HostPortReservations::held_by(const std::string& task_id) const {
  MutexLock lock(m_mutex);
  std::vector<HostPort> out;
  if (auto it = m_held.find(task_id); it != m_held.end()) {
    for (const auto& h : it->second) out.push_back(h.port);
  }
  return out;
}

}  // namespace berth::runtime
