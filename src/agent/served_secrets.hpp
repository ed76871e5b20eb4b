// The secret values the serving gateway sent a joined gateway for the tasks placed on it that
// still have containers to start (the poll reply's "secrets", model/remote_secrets.hpp): held in
// memory only, never written (the node's berth.db keeps the references, as the task definition
// has them) nor logged; each reply replaces them all, so a value leaves memory once the server no
// longer lists it (its containers started, or the task stopped). The joined agent's SecretResolver.
// Thread-safe (the link's poll thread replaces, the agent's thread resolves).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "agent/task_secrets.hpp"
#include "common/thread_annotations.hpp"
#include "model/remote_secrets.hpp"

namespace berth::agent {

class ServedSecrets {
 public:
  // Takes the secrets of the newest poll reply in place of the ones held.
  void replace(std::vector<model::ServedSecret> secrets);
  // The value of `value_from`; the server's error for it, or ClientException when the server
  // sent nothing for it (this gateway has not heard from the server since the task was placed).
  [[nodiscard]] Result<std::string> resolve(const std::string& value_from) const;
  // resolve() as the agent's resolver; this object must outlive it.
  SecretResolver resolver() const {
    return [this](const std::string& value_from) { return resolve(value_from); };
  }

 private:
  mutable Mutex m_mutex;
  std::map<std::string, model::ServedSecret> m_secrets BERTH_GUARDED_BY(m_mutex);  // by valueFrom
};

}  // namespace berth::agent
