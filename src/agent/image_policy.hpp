// The agent's image policy: which image a container runs, pulled or not as
// ECS_IMAGE_PULL_BEHAVIOR says (default, always, once, prefer-cached), pulls running in the
// background on a bounded queue, and the periodic cleanup of unused images as the ECS agent does
// it (ECS_IMAGE_CLEANUP_*). Agent thread only; the pulls themselves run on the queue's threads.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/task_state_machine.hpp"
#include "common/bounded_worker_pool.hpp"
#include "model/task.hpp"
#include "runtime/image/image_gc.hpp"
#include "runtime/image/image_puller.hpp"
#include "runtime/image/image_store.hpp"

namespace berth::agent {

// Ids of the images the containers of `tasks` name or run (`tasks`: those not yet stopped).
std::set<std::string> images_in_use(runtime::ImageStore& images, const std::vector<model::Task>& tasks);

// The reference a container is started from: its image, or image@digest when its service
// deployment pinned a digest (versionConsistency).
std::string image_to_run(const model::TaskContainer& container);

// The imageDigest a container of `image`, started from `name`, reports: the manifest digest it
// was pulled by, as ECS shows it (a digest reference's own, else the digest pin of the same
// repository among the image's names), or the image's id when it came from no registry.
std::string reported_digest(const runtime::Image& image, const std::string& name);

// What get() found: the outcome for the state machine and, when ready, the image itself.
struct ImageLookup {
  ImageOutcome outcome;
  std::optional<runtime::Image> image;  // outcome cached or pulled
  std::string warning;                  // a pull failed and the cached copy stands in: why
};

using RegistryLogin = std::function<Result<std::optional<runtime::RegistryCredentials>>()>;

class ImagePolicy {
 public:
  // `pulls`: where pulls run (bounded; a pull it refuses is asked for again on the next pass).
  ImagePolicy(runtime::ImageStore& images, runtime::ImagePuller& puller, JobQueue& pulls, std::string pull_behavior,
              runtime::ImageCleanupPolicy cleanup);

  // The image container `key` (its runtime id) runs, named `name`: a cached copy where the
  // behavior allows, else the result of a pull started in the background (`login`: the
  // container's repositoryCredentials, resolved only when a pull starts). While the pull runs,
  // `waiting`; when it failed, `failed`, or the cached copy under `default` (logged).
  ImageLookup get(const std::string& key, const std::string& name, const RegistryLogin& login);
  // The container `key` no longer waits for its pull (its task stopped); the pull runs on unseen.
  void abandon(const std::string& key) { m_pulls.erase(key); }
  // A container started from image `image_id` at `at` (for cleanup's minimum age).
  void record_use(const std::string& image_id, EpochMs at) { m_last_used[image_id] = at; }
  // Every cleanup interval (the first one interval after the first call): deletes the images
  // cleanup allows that no task of `tasks` uses. Skipped while a pull is under way.
  void collect(const std::vector<model::Task>& tasks, EpochMs now);
  // Pulls queued from now on end at once, with an error (berth is stopping). Thread-safe.
  void close() { m_closed->store(true); }

 private:
  runtime::ImageStore& m_images;
  runtime::ImagePuller& m_puller;
  JobQueue& m_queue;
  std::string m_pull_behavior;
  runtime::ImageCleanupPolicy m_cleanup;
  std::map<std::string, std::future<Result<runtime::PulledInfo>>> m_pulls;  // runtime id → pull
  std::map<std::string, EpochMs> m_last_used;  // image id → last container start (memory only)
  EpochMs m_next_cleanup = 0;
  std::shared_ptr<std::atomic<bool>> m_closed = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace berth::agent
