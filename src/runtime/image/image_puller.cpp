#include "runtime/image/image_puller.hpp"

#include <unistd.h>

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
      shared = it->second;
    } else {
      shared = mine.get_future().share();
      m_running.emplace(key, shared);
      owner = true;
    }
  }
  if (!owner) return shared.get();
  auto result = pull_now(*ref, progress, credentials);
  mine.set_value(result);
  MutexLock lock(m_mutex);
  m_running.erase(key);
  return result;
}

Result<PulledInfo> ImagePuller::pull_now(const model::ImageReference& ref,
                                         const std::function<void(const PullProgress&)>& progress,
                                         const std::optional<RegistryCredentials>& credentials) {
  BERTH_ASSIGN(auto pulled, m_client.pull(ref, progress, credentials));
  model::ImageReference pinned = ref;
  pinned.tag.clear();
  pinned.digest = pulled.manifest_digest;
  std::vector<std::string> names = {ref.canonical(), pinned.canonical()};
  BERTH_ASSIGN(auto image, m_store.add_pulled(pulled.config, pulled.layer_paths, names));
  // The root is unpacked: the blobs would only wear the flash and fill the disk. (A failed
  // pull keeps them, so the next attempt resumes.)
  ::unlink(pulled.config_path.c_str());
  for (const auto& layer : pulled.layer_paths) ::unlink(layer.c_str());
  return PulledInfo{image, pulled.manifest_digest};
}

}  // namespace berth::runtime
