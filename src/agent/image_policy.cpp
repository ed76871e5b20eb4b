#include "agent/image_policy.hpp"

#include "agent/background_job.hpp"
#include "common/log.hpp"
#include "model/image_reference.hpp"

namespace berth::agent {

std::set<std::string> images_in_use(runtime::ImageStore& images, const std::vector<model::Task>& tasks) {
  std::set<std::string> ids;
  for (const auto& t : tasks) {
    for (const auto& c : t.containers) {
      if (const auto named = images.find(c.image)) ids.insert(named->id);
      // The digest it runs or is pinned to: an image id (imported), or a manifest digest the
      // image is known by (the tag may have moved on to another image).
      for (const std::string& digest : {c.image_digest, c.pinned_digest}) {
        if (digest.empty()) continue;
        ids.insert(digest);
        const auto pinned = model::pinned_image(c.image, digest);
        if (const auto by_digest = pinned ? images.find(*pinned) : std::nullopt) ids.insert(by_digest->id);
      }
    }
  }
  return ids;
}

std::string image_to_run(const model::TaskContainer& container) {
  if (container.pinned_digest.empty()) return container.image;
  return model::pinned_image(container.image, container.pinned_digest).value_or(container.image);
}

std::string reported_digest(const runtime::Image& image, const std::string& name) {
  const auto ref = model::parse_image_reference(name);
  if (!ref) return image.id;
  if (!ref->digest.empty()) return ref->digest;
  const std::string pin_prefix = ref->registry + "/" + ref->repository + "@";
  for (const auto& known_as : image.names) {
    if (known_as.starts_with(pin_prefix)) return known_as.substr(pin_prefix.size());
  }
  return image.id;
}

ImagePolicy::ImagePolicy(runtime::ImageStore& images, runtime::ImagePuller& puller, JobQueue& pulls,
                         std::string pull_behavior, runtime::ImageCleanupPolicy cleanup)
    : m_images(images), m_puller(puller), m_queue(pulls), m_pull_behavior(std::move(pull_behavior)),
      m_cleanup(cleanup) {}

ImageLookup ImagePolicy::get(const std::string& key, const std::string& name, const RegistryLogin& login) {
  using Kind = ImageOutcome::Kind;
  const auto cached = m_images.find(name);
  auto pull = m_pulls.find(key);
  if (pull == m_pulls.end()) {
    const auto ref = model::parse_image_reference(name);
    const bool pinned = ref && !ref->digest.empty();
    const std::string& behavior = m_pull_behavior;
    // A digest names exactly one image: present means nothing to fetch, whatever the behavior.
    // An imported image came from no registry: `default` uses it as is, so an offline gateway
    // does not wait on a registry it cannot reach before every start (`always` still asks).
    const bool imported = cached && !cached->pulled;
    if (cached && (pinned || behavior == "once" || behavior == "prefer-cached" || (behavior == "default" && imported))) {
      return {{Kind::cached, reported_digest(*cached, name), {}}, cached, {}};
    }
    auto credentials = login();
    if (!credentials) return {{Kind::login_failed, {}, credentials.error().message}, std::nullopt, {}};
    auto started = try_start_job(m_queue, "pull of " + name,
                                 [this, closed = m_closed, name, login = std::move(*credentials)]() -> Result<runtime::PulledInfo> {
                                   if (closed->load()) return fail(Code::server, "berth is stopping");
                                   return m_puller.pull(name, {}, login);
                                 });
    if (!started) return {{Kind::waiting, {}, {}}, std::nullopt, {}};  // the queue is full: next pass
    m_pulls.emplace(key, std::move(*started));
    return {{Kind::pull_started, {}, {}}, std::nullopt, {}};
  }
  if (!job_done(pull->second)) return {{Kind::waiting, {}, {}}, std::nullopt, {}};
  auto pulled = pull->second.get();
  m_pulls.erase(pull);
  if (pulled) return {{Kind::pulled, pulled->manifest_digest, {}}, pulled->image, {}};
  // ECS's default behavior falls back to a cached copy when the registry cannot be reached.
  if (cached && m_pull_behavior == "default") {
    return {{Kind::pulled, reported_digest(*cached, name), {}}, cached,
            "pull of " + name + " failed (" + pulled.error().message + "); using the cached image"};
  }
  return {{Kind::failed, {}, pulled.error().message}, std::nullopt, {}};
}

void ImagePolicy::collect(const std::vector<model::Task>& tasks, EpochMs now) {
  if (m_next_cleanup == 0) m_next_cleanup = now + m_cleanup.interval_ms;  // first: one interval in
  if (now < m_next_cleanup) return;
  m_next_cleanup = now + m_cleanup.interval_ms;
  if (!m_pulls.empty()) return;  // a pull under way may be about to use any image: next cycle
  const auto images = m_images.list();
  const auto in_use = images_in_use(m_images, tasks);
  for (const auto& id : runtime::images_to_collect(images, in_use, m_last_used, now, m_cleanup)) {
    auto removed = m_images.remove(id, [&](const runtime::Image& image) { return in_use.contains(image.id); });
    if (removed) {
      log_info("image cleanup: removed " + id + (removed->names.empty() ? "" : " (" + removed->names.front() + ")"));
      m_last_used.erase(id);
    } else {
      log_warn("image cleanup: " + removed.error().message);
    }
  }
}

}  // namespace berth::agent
