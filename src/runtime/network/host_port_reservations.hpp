// Published host ports held by berth as bound sockets, as Docker's port reservation does. The
// portmap plugin's DNAT takes a port's traffic without any socket on it, so without a holder the
// kernel would hand the same port to a host program's `bind(:0)` or to an outgoing connection as
// its source port (a dynamic host port is drawn from the kernel's own ephemeral range, as ECS
// does), and that program's traffic would then reach the container. A bound socket (not
// listening, no SO_REUSEADDR) keeps the port out of the kernel's choices and makes a host
// program's own bind of it fail, while the DNAT still answers it. A port some other program
// already holds is refused before the task's network is made, unless it is a dynamic one: its
// number was berth's choice at placement, so another free port of the dynamic range is held in
// its place (a host program, most often an outgoing connection given that source port by the
// kernel, may take the placed port before the task starts). Thread-safe.
#pragma once

#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

struct HostPort {
  int port = 0;
  std::string protocol = "tcp";  // "tcp" or "udp"
};

// A port a task asks for: `dynamic` when its task definition left hostPort 0 or out, so any
// free port of the dynamic range may stand in for the one placement chose.
struct WantedPort {
  HostPort port;
  bool dynamic = false;
};

// Where a dynamic port's stand-in is drawn from (inclusive), and the ports never to draw
// (the instance's reserved ones, per protocol).
struct DynamicPorts {
  std::pair<int, int> range{32768, 60999};
  std::set<int> reserved_tcp, reserved_udp;
};

// How many other ports of the dynamic range are tried, at most, for a dynamic port that is
// taken, drawn at random (all of a small range, shuffled, up to this many).
inline constexpr int k_dynamic_port_attempts = 64;

class HostPortReservations {
 public:
  HostPortReservations() : m_rng(std::random_device{}()) {}

  // Binds every port of `ports` on 0.0.0.0 for `task_id`, or none: a port in use comes back as a
  // client error naming it (and its task keeps nothing). A task's second reserve adds to what
  // it holds, skipping ports it holds already (the same task reserved again after a restart).
  [[nodiscard]] Result<void> reserve(const std::string& task_id, const std::vector<HostPort>& ports);
  // The same, except that a dynamic port another program holds is replaced by a port of
  // `dynamic.range` that this call can bind (not reserved, not another port of `ports`), up to
  // k_dynamic_port_attempts tries; none found fails as a static port does, naming the range.
  // Returns the ports held, in the order of `ports`.
  [[nodiscard]] Result<std::vector<HostPort>> reserve(const std::string& task_id, const std::vector<WantedPort>& ports,
                                                      const DynamicPorts& dynamic);
  // Closes the task's sockets; nothing for a task with none.
  void release(const std::string& task_id);
  // The ports `task_id` holds, in the order reserved.
  std::vector<HostPort> held_by(const std::string& task_id) const;

 private:
  struct Held {
    HostPort port;
    UniqueFd socket;
  };
  // A stand-in for `wanted` (taken): bound, or the error naming the placed port and the range.
  Result<Held> stand_in(const HostPort& wanted, const DynamicPorts& dynamic, const std::vector<WantedPort>& asked)
      BERTH_REQUIRES(m_mutex);

  mutable Mutex m_mutex;
  std::mt19937_64 m_rng BERTH_GUARDED_BY(m_mutex);  // draws stand-ins from a large range
  std::map<std::string, std::vector<Held>> m_held BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth::runtime
