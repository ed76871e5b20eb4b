// The in-process half of berth's application (HTTP) listeners: one listening socket per listener
// port (all addresses), each request routed by the listener's rules (host-header, path-pattern;
// model::route_request) to the next endpoint of its target group in turn, its head forwarded
// with "Connection: close" (so each request is routed on its own) and the bytes relayed both ways
// until either side closes. Bounded: at most k_max_connections at once (one more is answered 503),
// request heads of at most 16 KiB read within 10 s, a backend connect within 5 s, 60 s without a
// byte either way ends a connection. configure() replaces the plan; listeners no longer in it
// close, open ones keep their sockets. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"
#include "model/elb_data_plan.hpp"

namespace berth::runtime::lb {

inline constexpr int k_max_connections = 128;

class HttpProxy {
 public:
  HttpProxy() = default;
  HttpProxy(const HttpProxy&) = delete;
  HttpProxy& operator=(const HttpProxy&) = delete;
  ~HttpProxy() { stop(); }

  // Serves `listeners` from now on. Fails (naming the port) when a new port cannot be bound; the
  // others are served anyway.
  [[nodiscard]] Result<void> configure(const std::vector<model::HttpListenerPlan>& listeners);

  // Closes every listener and waits for the connections under way to end (they are shut down).
  void stop();

 private:
  struct Port;
  void accept_loop(std::shared_ptr<Port> port);
  void serve(int client, std::shared_ptr<Port> port);
  void connection_ended();

  Mutex m_mutex;
  std::map<int, std::shared_ptr<Port>> m_ports BERTH_GUARDED_BY(m_mutex);
  std::vector<std::thread> m_acceptors BERTH_GUARDED_BY(m_mutex);
  int m_connections BERTH_GUARDED_BY(m_mutex) = 0;
  std::vector<int> m_open_sockets BERTH_GUARDED_BY(m_mutex);
  std::condition_variable m_idle;
};

}  // namespace berth::runtime::lb
