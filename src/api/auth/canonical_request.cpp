#include "api/auth/canonical_request.hpp"

#include <algorithm>

namespace berth::api::auth {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

// SigV4's "Trimall" splits on ASCII white space, as botocore's str.split() does for header text.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

}  // namespace

std::string uri_encode(std::string_view bytes, Slash slash) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (c == '/' && slash == Slash::keep)) {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0xf];
    }
  }
  return out;
}

std::string canonical_uri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= raw_path.size()) {
    const std::size_t slash = std::min(raw_path.find('/', start), raw_path.size());
    const std::string_view segment = raw_path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string normalized = raw_path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) normalized += '/';
    normalized += segments[i];
  }
  if (raw_path.back() == '/' && !segments.empty()) normalized += '/';
  return uri_encode(normalized, Slash::keep);
}

std::vector<QueryParam> parse_query(std::string_view raw_query) {
  std::vector<QueryParam> params;
  std::size_t start = 0;
  while (start <= raw_query.size()) {
    const std::size_t amp = std::min(raw_query.find('&', start), raw_query.size());
    const std::string_view pair = raw_query.substr(start, amp - start);
    if (!pair.empty()) {
      const std::size_t equals = pair.find('=');
      const std::string_view name = pair.substr(0, equals);
      const std::string_view value = equals == std::string_view::npos ? "" : pair.substr(equals + 1);
      // '+' is a plus, never a space: SigV4 signers always write %20.
      params.push_back({percent_decode(name, PlusIsSpace::no), percent_decode(value, PlusIsSpace::no)});
    }
    start = amp + 1;
  }
  return params;
}

std::string canonical_query(std::span<const QueryParam> params, std::string_view skip) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const QueryParam& param : params) {
    if (!skip.empty() && param.name == skip) continue;
    encoded.emplace_back(uri_encode(param.name, Slash::encode), uri_encode(param.value, Slash::encode));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string trim_all(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (const char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string canonical_headers(std::span<const HeaderField> headers, std::span<const std::string> signed_names) {
  std::string out;
  for (const std::string& name : signed_names) {
    out += name;
    out += ':';
    bool first = true;
    for (const auto& [received_name, value] : headers) {
      if (!equals_ignoring_case(received_name, name)) continue;
      if (!first) out += ',';
      out += trim_all(value);
      first = false;
    }
    out += '\n';
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, std::string_view canonical_headers,
                              std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() + canonical_headers.size() +
              signed_headers.size() + payload_hash.size() + 5);
  for (const std::string_view part : {method, canonical_uri, canonical_query, canonical_headers}) {
    out += part;
    out += '\n';
  }
  // The header block ends with its own '\n', so a blank line separates it from the list.
  out += signed_headers;
  out += '\n';
  out += payload_hash;
  return out;
}

}  // namespace berth::api::auth
