#include "agent/served_secrets.hpp"

namespace berth::agent {

void ServedSecrets::replace(std::vector<model::ServedSecret> secrets) {
  std::map<std::string, model::ServedSecret> next;
  for (auto& secret : secrets) {
    std::string key = secret.value_from;
    next.insert_or_assign(std::move(key), std::move(secret));
  }
  MutexLock lock(m_mutex);
  m_secrets.swap(next);
}

Result<std::string> ServedSecrets::resolve(const std::string& value_from) const {
  MutexLock lock(m_mutex);
  const auto it = m_secrets.find(value_from);
  if (it == m_secrets.end()) {
    return fail(Code::client, "the serving gateway sent no value for " + value_from +
                                  " (this joined gateway has not heard from it since the task was placed)");
  }
  if (!it->second.value) return fail(Code::client, it->second.error);
  return *it->second.value;
}

}  // namespace berth::agent
