// Fuzz harness: the HTTP/1.1 request parser. Any bytes, delivered whole or in pieces of any
// size, must give the same requests and the same end state; nothing may pass the limits; a
// parsed target must split into a path and a query without crashing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_request_parser.hpp"
#include "api/http_target.hpp"

namespace {

using berth::api::HttpLimits;
using berth::api::HttpRequestParser;

constexpr HttpLimits k_limits{512, 8, 2048};
// What the parser may hold at once: the parsed header fields (each an object plus its text), a
// line buffer grown at most to twice its longest line (a header line, or a chunk-size line of up
// to 1 KiB), the body at most at its limit.
constexpr std::size_t k_max_held = k_limits.max_header_count * sizeof(berth::api::HttpHeader) +
                                   2 * k_limits.max_header_bytes + 2 * std::max<std::size_t>(k_limits.max_header_bytes, 1024) +
                                   k_limits.max_body_bytes + 2048;

struct Run {
  std::vector<std::string> requests;  // method, target, headers and body of each, flattened
  HttpRequestParser::State end = HttpRequestParser::State::idle;
  int status = 0;
};

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Feeds `input` in pieces whose sizes come from `sizes` (cycled; 0 = the whole rest).
Run parse(std::string_view input, std::string_view sizes) {
  HttpRequestParser parser(k_limits);
  Run run;
  std::size_t at = 0;
  std::size_t turn = 0;
  while (at < input.size()) {
    const std::size_t want = sizes.empty() ? 0 : static_cast<unsigned char>(sizes[turn++ % sizes.size()]);
    const std::string_view piece = input.substr(at, want == 0 ? std::string_view::npos : want);
    std::size_t used = 0;
    while (used < piece.size()) {
      const std::size_t n = parser.feed(piece.substr(used));
      used += n;
      check(parser.buffered_bytes() <= k_max_held);
      if (parser.state() == HttpRequestParser::State::complete) {
        auto request = parser.take();
        check(request.body.size() <= k_limits.max_body_bytes);
        check(request.headers.size() <= k_limits.max_header_count);
        check(request.minor_version == 0 || request.minor_version == 1);
        const auto target = berth::api::parse_target(request.target);
        std::string flat = request.method + " " + request.target + " " + target.path;
        for (const auto& h : request.headers) flat += "|" + h.name + ":" + h.value;
        run.requests.push_back(flat + "|" + request.body + (request.keep_alive ? "|k" : "|c"));
        continue;
      }
      if (parser.state() == HttpRequestParser::State::failed) {
        run.end = parser.state();
        run.status = parser.error().status;
        check(run.status >= 400 && run.status < 600);
        return run;
      }
      check(n == piece.size() - (used - n));  // not complete, not failed: it took every byte
    }
    at += piece.size();
  }
  run.end = parser.state();
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The first 8 bytes choose the piece sizes; the rest is what a client sends.
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const std::string_view sizes = all.substr(0, std::min<std::size_t>(8, all.size()));
  const std::string_view input = all.substr(sizes.size());
  const Run whole = parse(input, "");
  const Run pieces = parse(input, sizes);
  const Run bytes = parse(input, std::string_view("\x01", 1));
  check(whole.requests == pieces.requests && whole.requests == bytes.requests);
  check(whole.end == pieces.end && whole.end == bytes.end);
  check(whole.status == pieces.status && whole.status == bytes.status);
  return 0;
}
