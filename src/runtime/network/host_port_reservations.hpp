// Published host ports held by berth as bound sockets, as Docker's port reservation does. The
// portmap plugin's DNAT takes a port's traffic without any socket on it, so without a holder the
// kernel would hand the same port to a host program's `bind(:0)` or to an outgoing connection as
// its source port (a dynamic host port is drawn from the kernel's own ephemeral range, as ECS
// does), and that program's traffic would then reach the container. A bound socket (not
// listening, no SO_REUSEADDR) keeps the port out of the kernel's choices and makes a host
// program's own bind of it fail, while the DNAT still answers it. A port some other program
// already holds is refused before the task's network is made. Thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

struct HostPort {
  int port = 0;
  std::string protocol = "tcp";  // "tcp" or "udp"
};

class HostPortReservations {
 public:
  // Binds every port of `ports` on 0.0.0.0 for `task_id`, or none: a port in use comes back as a
  // client error naming it (and its task keeps nothing). A task's second reserve adds to what
  // it holds, skipping ports it holds already (the same task reserved again after a restart).
  [[nodiscard]] Result<void> reserve(const std::string& task_id, const std::vector<HostPort>& ports);
  // Closes the task's sockets; nothing for a task with none.
  void release(const std::string& task_id);
  // The ports `task_id` holds, in the order reserved.
  std::vector<HostPort> held_by(const std::string& task_id) const;

 private:
  struct Held {
    HostPort port;
    UniqueFd socket;
  };
  mutable Mutex m_mutex;
  std::map<std::string, std::vector<Held>> m_held BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth::runtime
