// What the agent-facing use cases need to know of the gateway berth runs on, learnt only once it
// is up: where its ECS API listens, as a URL ("http://10.0.0.5:51678", for DiscoverPollEndpoint;
// the port may be chosen only when the listener binds) and the id of its own container instance
// (whose tasks berth's own agent records, never a remote one). The composition root sets them;
// request threads read them meanwhile. Thread-safe.
#pragma once

#include <string>

#include "common/thread_annotations.hpp"

namespace berth::svc {

class LocalGateway {
 public:
  void set_api_url(std::string url) {
    MutexLock lock(m_mutex);
    m_api_url = std::move(url);
  }
  void set_instance_id(std::string id) {
    MutexLock lock(m_mutex);
    m_instance_id = std::move(id);
  }
  // "" until set (and, for the URL, when berth has no TCP listener).
  std::string api_url() const {
    MutexLock lock(m_mutex);
    return m_api_url;
  }
  std::string instance_id() const {
    MutexLock lock(m_mutex);
    return m_instance_id;
  }

 private:
  mutable Mutex m_mutex;
  std::string m_api_url BERTH_GUARDED_BY(m_mutex);
  std::string m_instance_id BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth::svc
