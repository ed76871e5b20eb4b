#include "api/http_request_parser.hpp"

#include <algorithm>
#include <charconv>

namespace berth::api {
namespace {

// A chunk-size line carries a size and optional extensions, which are ignored: a small bound.
constexpr std::size_t k_max_chunk_line = 1024;
// More significant hex digits than this is more than any body limit can allow.
constexpr std::size_t k_max_chunk_size_digits = 15;


bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) { return !text.empty() && std::ranges::all_of(text, is_token_char); }

// What a string holds outside itself: nothing while its text fits in the object (small strings).
std::size_t heap_bytes(const std::string& text) {
  return text.capacity() > std::string().capacity() ? text.capacity() + 1 : 0;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Field values may hold visible characters, spaces, tabs and obs-text; no other control bytes.
bool is_field_value(std::string_view text) {
  return std::ranges::none_of(text, [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

// Calls `each` with every comma-separated token of a list-valued header, trimmed.
template <class Each>
void for_each_list_item(std::string_view list, Each each) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    each(trim(list.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

std::string_view HttpRequest::header(std::string_view lower_name) const {
  for (const auto& h : headers) {
    if (h.name == lower_name) return h.value;
  }
  return {};
}

bool HttpRequest::has_header(std::string_view lower_name) const {
  return std::ranges::any_of(headers, [&](const HttpHeader& h) { return h.name == lower_name; });
}

HttpRequestParser::HttpRequestParser(const HttpLimits& limits) : m_limits(limits) {}

std::size_t HttpRequestParser::feed(std::string_view data) {
  std::size_t used = 0;
  while (used < data.size() && m_state != State::complete && m_state != State::failed) {
    if (m_state == State::idle) m_state = State::head;
    used += step(data.substr(used));
  }
  return used;
}

HttpRequest HttpRequestParser::take() {
  HttpRequest out = std::move(m_request);
  m_request = HttpRequest{};
  m_state = State::idle;
  m_step = Step::request_line;
  m_line.clear();
  m_head_bytes = 0;
  m_held_header_bytes = 0;
  m_field_count = 0;
  m_body_remaining = 0;
  m_expects_continue = false;
  return out;
}

void HttpRequestParser::fail(int status, std::string message) {
  m_state = State::failed;
  m_error = {status, std::move(message)};
  m_line.clear();
  m_request.body.clear();
  m_request.body.shrink_to_fit();
}

HttpRequestParser::Line HttpRequestParser::take_line(std::string_view data, std::size_t room, std::size_t& used) {
  const auto newline = data.find('\n');
  const std::size_t piece = newline == std::string_view::npos ? data.size() : newline + 1;
  if (m_line.size() + piece > room) return Line::too_long;
  m_line.append(data.substr(0, piece));
  used = piece;
  return newline == std::string_view::npos ? Line::partial : Line::complete;
}

bool HttpRequestParser::finish_line(std::string_view& line) {
  line = m_line;
  line.remove_suffix(1);  // '\n'; a bare LF ends a line too, as RFC 9112 allows a recipient to accept
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\r') != std::string_view::npos) {
    fail(400, "A bare CR is not allowed in an HTTP request.");
    return false;
  }
  return true;
}

std::size_t HttpRequestParser::step(std::string_view data) {
  std::size_t used = 0;
  std::string_view line;  // into m_line, which keeps its buffer from line to line
  switch (m_step) {
    case Step::request_line:
    case Step::header_line:
    case Step::trailer_line: {
      const std::size_t room = m_limits.max_header_bytes - std::min(m_head_bytes, m_limits.max_header_bytes);
      const Line got = take_line(data, room, used);
      if (got == Line::too_long) {
        if (m_step == Step::request_line) {
          fail(414, "The request line is longer than " + std::to_string(m_limits.max_header_bytes) + " bytes.");
        } else {
          fail(431, "The request's header section is larger than " + std::to_string(m_limits.max_header_bytes) +
                        " bytes.");
        }
        return 0;
      }
      if (got == Line::partial) return used;
      m_head_bytes += m_line.size();
      if (!finish_line(line)) return used;
      if (m_step == Step::request_line) on_request_line(line);
      else if (m_step == Step::header_line) on_header_line(line);
      else on_trailer_line(line);
      m_line.clear();
      return used;
    }
    case Step::fixed_body:
    case Step::chunk_data: {
      const std::size_t n = std::min(m_body_remaining, data.size());
      append_body(data.substr(0, n));
      m_body_remaining -= n;
      if (m_body_remaining == 0) {
        if (m_step == Step::fixed_body) m_state = State::complete;
        else m_step = Step::chunk_end;
      }
      return n;
    }
    case Step::chunk_size:
    case Step::chunk_end: {
      const std::size_t room = m_step == Step::chunk_size ? k_max_chunk_line : 2;
      const Line got = take_line(data, room, used);
      if (got == Line::too_long) {
        fail(400, m_step == Step::chunk_size ? "A chunk-size line is too long." : "A chunk does not end with CRLF.");
        return 0;
      }
      if (got == Line::partial || !finish_line(line)) return used;
      if (m_step == Step::chunk_size) {
        on_chunk_size(line);
      } else if (!line.empty()) {
        fail(400, "A chunk does not end with CRLF.");
      } else {
        m_step = Step::chunk_size;
      }
      m_line.clear();
      return used;
    }
  }
  return used;
}

void HttpRequestParser::on_request_line(std::string_view line) {
  if (line.empty() && m_request.method.empty()) return;  // blank lines before a request are allowed
  const auto first = line.find(' ');
  const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    fail(400, "The request line is not 'METHOD TARGET HTTP/1.x'.");
    return;
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, second - first - 1);
  const std::string_view version = line.substr(second + 1);
  const bool visible = std::ranges::all_of(target, [](char c) { return c > 0x20 && c < 0x7f; });
  if (!is_token(method) || target.empty() || !visible) {
    fail(400, "The request line is not 'METHOD TARGET HTTP/1.x'.");
    return;
  }
  if (version == "HTTP/1.1" || version == "HTTP/1.0") {
    m_request.minor_version = version.back() - '0';
  } else if (version.size() == 8 && version.starts_with("HTTP/") && version[6] == '.') {
    fail(505, "Only HTTP/1.0 and HTTP/1.1 are served.");
    return;
  } else {
    fail(400, "The request line is not 'METHOD TARGET HTTP/1.x'.");
    return;
  }
  m_request.method = method;
  m_request.target = target;
  m_step = Step::header_line;
}

void HttpRequestParser::on_header_line(std::string_view line) {
  if (line.empty()) {
    on_head_complete();
    return;
  }
  if (is_space(line.front())) {
    fail(400, "Folded header lines are not allowed.");
    return;
  }
  const auto colon = line.find(':');
  const std::string_view name = line.substr(0, colon);
  if (colon == std::string_view::npos || !is_token(name)) {
    fail(400, "A header line is not 'Name: value'.");
    return;
  }
  const std::string_view value = trim(line.substr(colon + 1));
  if (!is_field_value(value)) {
    fail(400, "A header value holds a control character.");
    return;
  }
  if (++m_field_count > m_limits.max_header_count) {
    fail(431, "The request has more than " + std::to_string(m_limits.max_header_count) + " headers.");
    return;
  }
  HttpHeader header{std::string(name), std::string(value)};
  for (auto& c : header.name) c = ascii_lower(c);
  m_held_header_bytes += sizeof(HttpHeader) + heap_bytes(header.name) + heap_bytes(header.value);
  m_request.headers.push_back(std::move(header));
}

void HttpRequestParser::on_head_complete() {
  const HttpHeader* length = nullptr;
  const HttpHeader* encoding = nullptr;
  for (const auto& h : m_request.headers) {
    const HttpHeader** slot = h.name == "content-length" ? &length : h.name == "transfer-encoding" ? &encoding : nullptr;
    if (!slot) continue;
    if (*slot) {
      fail(400, "The request has more than one " + h.name + " header.");
      return;
    }
    *slot = &h;
  }
  if (length && encoding) {
    fail(400, "The request has both Content-Length and Transfer-Encoding.");
    return;
  }
  const bool http11 = m_request.minor_version == 1;
  bool close = false;
  bool keep_alive = false;
  for (const auto& h : m_request.headers) {
    if (h.name != "connection") continue;
    for_each_list_item(h.value, [&](std::string_view option) {
      close = close || equals_ignoring_case(option, "close");
      keep_alive = keep_alive || equals_ignoring_case(option, "keep-alive");
    });
  }
  m_request.keep_alive = http11 ? !close : keep_alive && !close;
  if (http11 && m_request.has_header("expect")) {
    if (!equals_ignoring_case(m_request.header("expect"), "100-continue")) {
      fail(417, "Only 'Expect: 100-continue' is understood.");
      return;
    }
    m_expects_continue = true;
  }
  m_head_bytes = 0;
  m_field_count = 0;
  if (encoding) {
    if (!http11) {
      fail(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request.");
      return;
    }
    if (!equals_ignoring_case(encoding->value, "chunked")) {
      fail(501, "Transfer-Encoding '" + encoding->value + "' is not supported; use chunked or Content-Length.");
      return;
    }
    m_step = Step::chunk_size;
    m_state = State::body;
    return;
  }
  std::size_t size = 0;
  if (length) {
    const std::string& text = length->value;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), size);
    const bool digits = !text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || (ec != std::errc() && ec != std::errc::result_out_of_range) || end != text.data() + text.size()) {
      fail(400, "Content-Length '" + text + "' is not a number of bytes.");
      return;
    }
    if (ec == std::errc::result_out_of_range || size > m_limits.max_body_bytes) {
      fail(413, "The request body is larger than " + std::to_string(m_limits.max_body_bytes) + " bytes.");
      return;
    }
  }
  if (size == 0) {
    m_expects_continue = false;
    m_state = State::complete;
    return;
  }
  // The body grows as it arrives (append_body), never reserved from the declared size: a head
  // alone must not make the server hold a megabyte.
  m_body_remaining = size;
  m_step = Step::fixed_body;
  m_state = State::body;
}

void HttpRequestParser::on_chunk_size(std::string_view line) {
  std::size_t digits = 0;
  std::size_t significant = 0;
  std::size_t size = 0;
  for (; digits < line.size() && hex_digit_value(line[digits]) >= 0; ++digits) {
    if (significant == 0 && line[digits] == '0') continue;
    if (++significant > k_max_chunk_size_digits) break;
    size = size * 16 + static_cast<std::size_t>(hex_digit_value(line[digits]));
  }
  if (significant > k_max_chunk_size_digits || (significant > 0 && size > m_limits.max_body_bytes - m_request.body.size())) {
    fail(413, "The request body is larger than " + std::to_string(m_limits.max_body_bytes) + " bytes.");
    return;
  }
  std::string_view rest = trim(line.substr(digits));
  const bool extension_only = rest.empty() || (rest.front() == ';' && is_field_value(rest));
  if (digits == 0 || !extension_only) {
    fail(400, "A chunk-size line is not hexadecimal digits and extensions.");
    return;
  }
  if (size == 0) {
    m_step = Step::trailer_line;
    return;
  }
  m_body_remaining = size;
  m_step = Step::chunk_data;
}

void HttpRequestParser::on_trailer_line(std::string_view line) {
  if (line.empty()) {
    m_state = State::complete;
    return;
  }
  // Trailer fields are checked and bounded like headers, then dropped: nothing here reads them.
  const auto colon = line.find(':');
  if (is_space(line.front()) || colon == std::string_view::npos || !is_token(line.substr(0, colon)) ||
      !is_field_value(line.substr(colon + 1))) {
    fail(400, "A trailer line is not 'Name: value'.");
    return;
  }
  if (++m_field_count > m_limits.max_header_count) {
    fail(431, "The request has more than " + std::to_string(m_limits.max_header_count) + " trailer fields.");
  }
}

void HttpRequestParser::append_body(std::string_view bytes) {
  std::string& body = m_request.body;
  const std::size_t needed = body.size() + bytes.size();
  // Grow geometrically but never past what the framing still allows: at most twice what has
  // arrived, and never beyond the limit or (for Content-Length) the declared size.
  const std::size_t cap = m_step == Step::fixed_body ? needed + m_body_remaining - bytes.size() : m_limits.max_body_bytes;
  if (needed > body.capacity()) body.reserve(std::min(cap, std::max(needed, body.capacity() * 2)));
  body.append(bytes);
}

}  // namespace berth::api
