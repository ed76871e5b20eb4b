// A reply whose body is written piece by piece after its head, as the source has something new:
// server-sent events (the dashboard's change notices and log tail). The event loop holds no
// thread per stream: every poll interval it asks each open stream for its next piece on a worker
// (HttpLoopOptions::stream_poll_interval, max_streams). An implementation is called by one
// worker at a time, never concurrently with itself.
#pragma once

#include <optional>
#include <string>

namespace berth::api {

class HttpStream {
 public:
  virtual ~HttpStream() = default;
  // The bytes to write now ("" = nothing new yet), or nothing when the stream has ended (the
  // connection is then closed).
  virtual std::optional<std::string> next() = 0;
};

// One server-sent event: "event: NAME\ndata: DATA\n\n". Precondition: `data` has no line break
// (JSON as serialized by model/ has none).
inline std::string sse_event(std::string_view name, std::string_view data) {
  std::string out;
  out.reserve(name.size() + data.size() + 16);
  out.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
  return out;
}

}  // namespace berth::api
