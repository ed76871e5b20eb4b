// Fuzz harness: the log store's segment files and their summaries as a start reads them back
// (a power cut may leave any bytes at a segment's end, and a summary file half written). Any
// bytes must scan to whole records or stop; any text must decode to a summary or nothing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/log_segment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  berth::store::SegmentSummary summary;
  const std::size_t valid = berth::store::scan_log_records(bytes, 0, [&](const berth::store::LogRecord& record, std::uint64_t) {
    summary.add(record);
    return true;
  });
  if (valid > size) __builtin_trap();
  (void)berth::store::decode_summary(bytes);
  return 0;
}
