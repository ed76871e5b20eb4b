#include "runtime/image/layer_pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "common/thread_annotations.hpp"

namespace berth::runtime {
namespace {

// What the threads of one pipeline share: the next layer to fetch and the first failure.
class PipelineState {
 public:
  PipelineState(std::size_t layers, std::vector<std::unique_ptr<LayerStream>>& streams)
      : m_layers(layers), m_streams(streams) {}

  // The next layer to fetch, or nothing when all are taken or the pipeline failed. Waits while
  // `window` layers are fetched and not yet applied: each of them may hold its memory.
  std::optional<std::size_t> take(std::size_t window) {
    MutexLock lock(m_mutex);
    while (!m_error && m_next < m_layers && m_next >= m_applied + window) lock.wait(m_changed);
    if (m_error || m_next == m_layers) return std::nullopt;
    return m_next++;
  }

  void applied() {
    MutexLock lock(m_mutex);
    ++m_applied;
    m_changed.notify_all();
  }

  // Records `why` unless a failure came first, then stops every stream: blocked downloads and
  // the unpacker return, each with the first failure.
  void fail(const Error& why) {
    {
      MutexLock lock(m_mutex);
      if (!m_error) m_error = why;
      m_changed.notify_all();
    }
    const Error first = *error();
    for (auto& stream : m_streams) stream->cancel(first);
  }

  std::optional<Error> error() {
    MutexLock lock(m_mutex);
    return m_error;
  }

 private:
  const std::size_t m_layers;
  std::vector<std::unique_ptr<LayerStream>>& m_streams;
  Mutex m_mutex;
  std::condition_variable m_changed;
  std::size_t m_next BERTH_GUARDED_BY(m_mutex) = 0;
  std::size_t m_applied BERTH_GUARDED_BY(m_mutex) = 0;
  std::optional<Error> m_error BERTH_GUARDED_BY(m_mutex);
};

}  // namespace

Result<void> run_layer_pipeline(std::size_t layers, const LayerPipelineSteps& steps, const LayerPipelineLimits& limits) {
  std::vector<std::unique_ptr<LayerStream>> streams;
  for (std::size_t i = 0; i < layers; ++i) {
    streams.push_back(std::make_unique<LayerStream>(steps.spill_path(i), limits.memory_per_stream, limits.spill_after));
  }
  PipelineState state(layers, streams);
  std::vector<std::jthread> fetchers;
  const std::size_t threads = std::min(std::max<std::size_t>(limits.max_fetches, 1), layers);
  // Layers fetched ahead of the unpacker: enough to keep the downloads busy while one layer is
  // unpacked, few enough that their memory stays bounded.
  const std::size_t window = 2 * std::max<std::size_t>(limits.max_fetches, 1);
  for (std::size_t t = 0; t < threads; ++t) {
    fetchers.emplace_back([&] {
      while (const auto i = state.take(window)) {
        auto verdict = steps.fetch(*i, *streams[*i]);
        if (!verdict) state.fail(verdict.error());
        streams[*i]->finish(std::move(verdict));
      }
    });
  }
  for (std::size_t i = 0; i < layers && !state.error(); ++i) {
    LayerStream& stream = *streams[i];
    stream.attach();
    auto applied = steps.apply(i, stream);
    // Read to the end either way: a layer the unpacker refuses may be one the registry
    // corrupted, and then the digest is the cause to report.
    if (auto verdict = stream.drain(); !verdict) applied = std::unexpected(verdict.error());
    if (!applied) {
      state.fail(applied.error());
      break;
    }
    stream.remove_spill();
    stream.close();
    state.applied();
  }
  fetchers.clear();  // joins: every download has ended
  if (auto error = state.error()) return std::unexpected(*error);
  return {};
}

}  // namespace berth::runtime
