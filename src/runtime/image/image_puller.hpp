// Pulls an image into the store: reference → registry → layers unpacked as they download, known
// by its name and by name@digest. Concurrent pulls of one image share a single download.
// Thread-safe.
#pragma once

#include <future>
#include <map>
#include <string>
#include <vector>

#include "common/thread_annotations.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/image/registry_client.hpp"

namespace berth::runtime {

// A pull under way, as far as it got.
struct RunningPull {
  std::string name;  // the reference, canonical ("docker.io/library/busybox:latest")
  PullProgress progress;
};

struct PulledInfo {
  Image image;
  std::string manifest_digest;  // the container's imageDigest
};

class ImagePuller {
 public:
  ImagePuller(ImageStore& store, RegistryOptions options) : m_store(store), m_client(std::move(options)) {}

  // Pulls `name` ("registry.example:5000/team/app:1.2", "busybox", "x@sha256:..."). A second
  // caller for the same image while a pull runs waits for that pull instead of starting one.
  // `credentials`: a task's repositoryCredentials, used instead of the configured ones.
  [[nodiscard]] Result<PulledInfo> pull(const std::string& name,
                                        const std::function<void(const PullProgress&)>& progress = {},
                                        const std::optional<RegistryCredentials>& credentials = std::nullopt);

  // The pulls under way now, by name, each with its latest progress (the dashboard's images view).
  std::vector<RunningPull> running();

 private:
  Result<PulledInfo> pull_now(const model::ImageReference& ref, const std::function<void(const PullProgress&)>& progress,
                              const std::optional<RegistryCredentials>& credentials);

  ImageStore& m_store;
  RegistryClient m_client;
  Mutex m_mutex;
  // A pull under way: its result, which a second puller of the same name waits on, and how far it got.
  struct Running {
    std::shared_future<Result<PulledInfo>> result;
    PullProgress progress;
  };
  std::map<std::string, Running> m_running BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth::runtime
