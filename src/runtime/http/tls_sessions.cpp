#include "runtime/http/tls_sessions.hpp"

#include <deque>
#include <map>
#include <memory>

#include "common/thread_annotations.hpp"

namespace berth::runtime::detail {
namespace {

struct SessionFree {
  void operator()(mbedtls_ssl_session* s) const {
    mbedtls_ssl_session_free(s);
    delete s;
  }
};
using Session = std::unique_ptr<mbedtls_ssl_session, SessionFree>;

class Sessions {
 public:
  void offer(const std::string& key, mbedtls_ssl_context& ssl) {
    MutexLock lock(m_mutex);
    // A session mbedTLS will not take (expired, or unusable) is only not resumed: the handshake
    // is a full one, as without it.
    if (auto it = m_sessions.find(key); it != m_sessions.end()) (void)mbedtls_ssl_set_session(&ssl, it->second.get());
  }
  void keep(const std::string& key, const mbedtls_ssl_context& ssl) {
    Session session(new mbedtls_ssl_session);
    mbedtls_ssl_session_init(session.get());
    if (mbedtls_ssl_get_session(&ssl, session.get()) != 0) return;
    MutexLock lock(m_mutex);
    if (!m_sessions.contains(key)) {
      m_order.push_back(key);
      while (m_order.size() > k_max_tls_sessions) {
        m_sessions.erase(m_order.front());
        m_order.pop_front();
      }
    }
    m_sessions[key] = std::move(session);
  }
  void forget(const std::string& key) {
    MutexLock lock(m_mutex);
    if (m_sessions.erase(key) > 0) std::erase(m_order, key);
  }
  std::size_t size() const {
    MutexLock lock(m_mutex);
    return m_sessions.size();
  }

 private:
  mutable Mutex m_mutex;
  std::map<std::string, Session> m_sessions BERTH_GUARDED_BY(m_mutex);
  std::deque<std::string> m_order BERTH_GUARDED_BY(m_mutex);  // keys, oldest saved first
};

Sessions& sessions() {
  static Sessions instance;
  return instance;
}

}  // namespace

void offer_tls_session(const std::string& key, mbedtls_ssl_context& ssl) { sessions().offer(key, ssl); }
void keep_tls_session(const std::string& key, const mbedtls_ssl_context& ssl) { sessions().keep(key, ssl); }
void forget_tls_session(const std::string& key) { sessions().forget(key); }
std::size_t kept_tls_sessions() { return sessions().size(); }

}  // namespace berth::runtime::detail
