// An incremental HTTP/1.1 request parser with hard bounds: bytes go in as they arrive, in pieces
// of any size; out comes a complete request, or an error with the HTTP status to answer. Nothing
// is buffered past the limits (head bytes, header count, decoded body), whatever the framing.
// No I/O. Not thread-safe: one parser per connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/ascii.hpp"

namespace berth::api {

struct HttpLimits {
  std::size_t max_header_bytes = 16 * 1024;  // request line + header lines; the trailer section alike
  std::size_t max_header_count = 100;        // header fields; trailer fields alike
  std::size_t max_body_bytes = 1 << 20;      // decoded body, for Content-Length and chunked alike
};

struct HttpHeader {
  std::string name;  // lower-cased
  std::string value;
};

struct HttpRequest {
  std::string method;
  std::string target;  // as sent: path and query, still percent-encoded
  int minor_version = 1;  // HTTP/1.<minor_version>: 0 or 1
  std::vector<HttpHeader> headers;
  std::string body;  // decoded
  bool keep_alive = true;

  // Returns the value of the first header named `lower_name`, or "".
  std::string_view header(std::string_view lower_name) const;
  bool has_header(std::string_view lower_name) const;
};

struct HttpParseError {
  int status = 400;  // 400, 413, 414, 417, 431, 501 or 505
  std::string message;
};

// Returns true if `a` and `b` are equal ignoring ASCII case.

class HttpRequestParser {
 public:
  enum class State {
    idle,      // no byte of a request yet
    head,      // reading the request line and headers
    body,      // the head is complete; reading the body
    complete,  // a request is ready: take() it
    failed,    // error() says what to answer; the connection must close
  };

  explicit HttpRequestParser(const HttpLimits& limits);

  // Consumes bytes of `data` up to the end of the current request and returns how many: the
  // rest belongs to the next (pipelined) request. Consumes nothing when complete or failed.
  std::size_t feed(std::string_view data);

  State state() const { return m_state; }
  // True while the body is awaited and the client asked for `Expect: 100-continue`.
  bool expects_continue() const { return m_state == State::body && m_expects_continue; }
  // The request as parsed so far: its head once the state is body or complete.
  const HttpRequest& request() const { return m_request; }
  // Valid when failed.
  const HttpParseError& error() const { return m_error; }
  // Bytes of the current request held in memory: the parsed header fields, the line buffer's
  // and the body's capacity (what is allocated, not what is filled).
  std::size_t buffered_bytes() const { return m_held_header_bytes + m_line.capacity() + m_request.body.capacity(); }

  // Returns the complete request and makes the parser ready for the next one. Precondition:
  // state() == complete.
  HttpRequest take();

 private:
  enum class Step { request_line, header_line, fixed_body, chunk_size, chunk_data, chunk_end, trailer_line };
  enum class Line { partial, complete, too_long };

  std::size_t step(std::string_view data);
  // Moves bytes of `data` up to a line feed into m_line; `room` is what the line may still take.
  Line take_line(std::string_view data, std::size_t room, std::size_t& used);
  // Sets `line` to m_line without its terminator; fails on a bare CR inside it.
  bool finish_line(std::string_view& line);
  void on_request_line(std::string_view line);
  void on_header_line(std::string_view line);
  void on_head_complete();
  void on_chunk_size(std::string_view line);
  void on_trailer_line(std::string_view line);
  void append_body(std::string_view bytes);
  void fail(int status, std::string message);

  HttpLimits m_limits;
  State m_state = State::idle;
  Step m_step = Step::request_line;
  HttpRequest m_request;
  HttpParseError m_error;
  std::string m_line;
  std::size_t m_head_bytes = 0;     // bytes of completed head lines (or trailer lines), for the limit
  std::size_t m_held_header_bytes = 0;  // memory of the header fields kept in m_request
  std::size_t m_field_count = 0;    // header (or trailer) fields so far
  std::size_t m_body_remaining = 0;  // of the Content-Length body or of the current chunk
  bool m_expects_continue = false;
};

}  // namespace berth::api
