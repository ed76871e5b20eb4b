// One layer's bytes on their way from its download (one producer thread) to its unpacker (one
// consumer thread). Until the unpacker attaches (the layers below it are applied), the bytes
// wait in memory; once that is full, the download waits at most `spill_after` for the unpacker
// (a short lower layer: the layer never touches the disk), and then is not held up any longer:
// its bytes go to a spill file, the blob's prefix a later pull resumes from.
// Once attached, the unpacker reads the spill file to its end and then takes the bytes through
// at most `memory_limit` bytes of memory; meanwhile, and while that is full, the download waits
// (and TCP slows the sender down). The verdict (digest checked) comes at the end: the unpacker's last read
// returns the download's error if there is one. Thread-safe for one producer and one consumer;
// cancel() from any thread. The spill file is held under an exclusive flock: a second stream of
// the same blob (two images sharing a layer, pulled at once, maybe by two processes) spills to
// a private, already unlinked file instead of the same one.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/thread_annotations.hpp"

namespace berth::runtime {

class LayerStream {
 public:
  LayerStream(std::string spill_path, std::size_t memory_limit,
              std::chrono::milliseconds spill_after = std::chrono::milliseconds(1000));
  LayerStream(const LayerStream&) = delete;
  LayerStream& operator=(const LayerStream&) = delete;
  ~LayerStream();

  // Producer. Takes the spill file an earlier pull left as the stream's first bytes and returns
  // how many there are; one longer than `max_bytes` (not a prefix of this blob) is dropped
  // (0). Call before the first write.
  [[nodiscard]] Result<std::uint64_t> adopt_spill(std::uint64_t max_bytes);
  // Producer. Passes `bytes` on; false when the stream was cancelled or the spill file cannot
  // be written (the error then says why).
  [[nodiscard]] bool write(std::string_view bytes);
  // Producer. Ends the stream with the download's verdict (an error if it failed or did not
  // match its digest).
  void finish(Result<void> verdict);

  // Consumer. From now on the bytes are meant for a reader that is waiting for them.
  void attach();
  // Consumer. Fills up to `n` bytes; 0 at the end of a stream finished with a good verdict. The
  // verdict's error, or the cancellation's, otherwise.
  [[nodiscard]] Result<std::size_t> read(char* out, std::size_t n);
  // Consumer. Reads what is left (an unpacker stops at the archive's end marker; what follows
  // is still hashed) and returns the verdict.
  [[nodiscard]] Result<void> drain();

  // Either side, or a third thread: ends the stream with `why`; blocked calls return.
  void cancel(const Error& why);
  // Deletes the spill file (the layer is applied, or its bytes proved corrupt).
  void remove_spill();
  // Consumer, once the producer has finished: frees the memory and closes the spill file. The
  // stream takes no more bytes.
  void close();

  std::uint64_t spilled_bytes() const;  // bytes that went through the spill file
  std::size_t peak_memory() const;      // most bytes held in memory at once

 private:
  [[nodiscard]] bool spill(std::string_view bytes) BERTH_REQUIRES(m_mutex);
  // Opens (creating, if `create`) and locks the named spill file; false if another holds it.
  bool open_named(bool create) BERTH_REQUIRES(m_mutex);

  const std::string m_spill_path;
  const std::size_t m_memory_limit;
  const std::chrono::milliseconds m_spill_after;
  mutable Mutex m_mutex;
  std::condition_variable m_readable;  // the reader waits here
  std::condition_variable m_writable;  // the writer waits here
  int m_spill_fd BERTH_GUARDED_BY(m_mutex) = -1;
  bool m_spill_named BERTH_GUARDED_BY(m_mutex) = false;  // m_spill_fd is the file at m_spill_path
  std::uint64_t m_spilled BERTH_GUARDED_BY(m_mutex) = 0;   // bytes in the spill file
  std::uint64_t m_spill_read BERTH_GUARDED_BY(m_mutex) = 0;  // of them, read by the consumer
  // The bytes in memory: a ring of m_memory_limit bytes, allocated when first needed.
  std::vector<char> m_ring BERTH_GUARDED_BY(m_mutex);
  std::size_t m_ring_head BERTH_GUARDED_BY(m_mutex) = 0;  // where the oldest unread byte is
  std::size_t m_held BERTH_GUARDED_BY(m_mutex) = 0;       // unread bytes in the ring
  std::size_t m_peak BERTH_GUARDED_BY(m_mutex) = 0;
  // Whether a side waits, so that the other wakes it only then: the reader once per write, the
  // writer once a quarter of the ring is free (not once per read).
  bool m_reader_waits BERTH_GUARDED_BY(m_mutex) = false;
  bool m_writer_waits BERTH_GUARDED_BY(m_mutex) = false;
  bool m_attached BERTH_GUARDED_BY(m_mutex) = false;
  bool m_finished BERTH_GUARDED_BY(m_mutex) = false;
  std::optional<Error> m_error BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth::runtime
