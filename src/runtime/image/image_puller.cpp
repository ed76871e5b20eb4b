#include "runtime/image/image_puller.hpp"

namespace berth::runtime {

Result<PulledInfo> ImagePuller::pull(const std::string& name, const std::function<void(const PullProgress&)>& progress,
                                     const std::optional<RegistryCredentials>& credentials) {
  const auto ref = model::parse_image_reference(name);
  if (!ref) return fail(Code::invalid_parameter, "'" + name + "' is not an image reference");
  const std::string key = ref->canonical();
  std::shared_future<Result<PulledInfo>> shared;
  std::promise<Result<PulledInfo>> mine;
  bool owner = false;
  {
    MutexLock lock(m_mutex);
    if (auto it = m_running.find(key); it != m_running.end()) {
      shared = it->second.result;
    } else {
      shared = mine.get_future().share();
      m_running.emplace(key, Running{shared, {}});
      owner = true;
    }
  }
  if (!owner) return shared.get();
  // The progress is kept for running() too; the caller's callback sees it as before.
  auto result = pull_now(*ref, [&](const PullProgress& p) {
    {
      MutexLock lock(m_mutex);
      m_running.at(key).progress = p;
    }
    if (progress) progress(p);
  }, credentials);
  mine.set_value(result);
  MutexLock lock(m_mutex);
  m_running.erase(key);
  return result;
}

std::vector<RunningPull> ImagePuller::running() {
  MutexLock lock(m_mutex);
  std::vector<RunningPull> out;
  for (const auto& [name, pull] : m_running) out.push_back({name, pull.progress});
  return out;
}

Result<PulledInfo> ImagePuller::pull_now(const model::ImageReference& ref,
                                         const std::function<void(const PullProgress&)>& progress,
                                         const std::optional<RegistryCredentials>& credentials) {
  BERTH_ASSIGN(auto resolved, m_client.resolve(ref, credentials));
  model::ImageReference pinned = ref;
  pinned.tag.clear();
  pinned.digest = resolved.manifest_digest;
  std::vector<std::string> names = {ref.canonical(), pinned.canonical()};
  // An image already unpacked (the same config under another name) fetches no layer.
  BERTH_ASSIGN(auto image, m_store.add_pulled(resolved.config, names, [&](const std::string& root) {
    return m_client.unpack_layers(resolved, root, progress);
  }));
  return PulledInfo{image, resolved.manifest_digest};
}

}  // namespace berth::runtime
