// Test helper: an HTTP/1.1 request written out as text (request line, "Name:value" headers with
// folded continuation lines, blank line, body), turned into the view verify_sigv4 takes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/auth/sigv4.hpp"

namespace berth::api::auth::testing {

struct OwnedRequest {
  std::string method, path, query, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<HeaderField> fields;  // views into `headers`, rebuilt by view()

  ReceivedRequest view() {
    fields.clear();
    for (const auto& [name, value] : headers) fields.emplace_back(name, value);
    return ReceivedRequest{method, path, query, fields, body};
  }
  void set_header(std::string_view name, std::string value) {
    for (auto& header : headers) {
      if (header.first == name) { header.second = std::move(value); return; }
    }
    headers.emplace_back(std::string(name), std::move(value));
  }
  void remove_header(std::string_view name) {
    std::erase_if(headers, [&](const auto& header) { return header.first == name; });
  }
};

// Parses "GET /a b/?q=1 HTTP/1.1\nHost:x\nMy-Header: v1\n  v2\n\nbody" (the target may hold
// spaces, as the AWS suite writes unencoded paths).
inline OwnedRequest parse_http_text(std::string_view text) {
  OwnedRequest request;
  const std::size_t blank = text.find("\n\n");
  if (blank != std::string_view::npos) request.body = std::string(text.substr(blank + 2));
  std::string_view head = text.substr(0, blank);
  const std::size_t line_end = std::min(head.find('\n'), head.size());
  std::string_view line = head.substr(0, line_end);
  request.method = std::string(line.substr(0, line.find(' ')));
  std::string_view target = line.substr(line.find(' ') + 1);
  target = target.substr(0, target.rfind(" HTTP/1.1"));
  const std::size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  head.remove_prefix(std::min(line_end + 1, head.size()));
  while (!head.empty()) {
    const std::size_t end = std::min(head.find('\n'), head.size());
    line = head.substr(0, end);
    head.remove_prefix(std::min(end + 1, head.size()));
    if (line.front() == ' ' || line.front() == '\t') {  // folded continuation of the last header
      request.headers.back().second += "\r\n" + std::string(line);
      continue;
    }
    const std::size_t colon = line.find(':');
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  return request;
}

}  // namespace berth::api::auth::testing
