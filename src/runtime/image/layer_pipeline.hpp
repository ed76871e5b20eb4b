// Fetches the layers of one image concurrently (at most `max_fetches` downloads at a time, in
// layer order) and applies them in order on the calling thread as their bytes arrive: the
// lowest layer not yet applied streams straight from its download into the unpacker; layers
// above it that arrive meanwhile wait in memory, then in their spill files (layer_stream.hpp).
// Memory is bounded by 2 × max_fetches × memory_per_stream plus the unpacker's buffers: no more
// layers than that are fetched ahead of the unpacker, and a layer's memory goes once it is
// applied or spilled. The first failure (a download, a digest, the unpacking) stops every other
// download and is the one returned; when the unpacker refuses a layer, its download is finished
// first, and a digest that does not match is reported instead (corrupt bytes from the registry,
// not a bad image). Thread-safe: each call runs its own threads, joined before it returns.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "common/result.hpp"
#include "runtime/image/layer_stream.hpp"

namespace berth::runtime {

struct LayerPipelineSteps {
  // Where layer `i` spills (layer_stream.hpp).
  std::function<std::string(std::size_t i)> spill_path;
  // Downloads layer `i` into `stream` (on a fetch thread) and returns the verdict: an error
  // if the download failed or did not match its digest. The pipeline finishes the stream.
  std::function<Result<void>(std::size_t i, LayerStream& stream)> fetch;
  // Applies layer `i` from `stream` (on the calling thread, layers in order). The stream's
  // remaining bytes are read and its verdict checked afterwards: an applied layer whose
  // download proves corrupt fails the pipeline all the same.
  std::function<Result<void>(std::size_t i, LayerStream& stream)> apply;
};

struct LayerPipelineLimits {
  std::size_t max_fetches = 3;
  std::size_t memory_per_stream = 1 << 20;
  // How long a layer that arrives early waits, its memory full, before it spills (layer_stream.hpp).
  std::chrono::milliseconds spill_after{1000};
};

// Runs `layers` layers through `steps`. Returns the first error (see above); a spill file is
// removed once its layer is applied, and otherwise kept for the next pull to resume from (a
// download that proved corrupt removes its own).
[[nodiscard]] Result<void> run_layer_pipeline(std::size_t layers, const LayerPipelineSteps& steps,
                                              const LayerPipelineLimits& limits = {});

}  // namespace berth::runtime
