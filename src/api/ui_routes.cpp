#include "api/ui_routes.hpp"

#include <zlib.h>

#include <string>
#include <vector>

#include "api/ui_assets.hpp"
#include "common/ascii.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"

namespace berth::api {
namespace {

// Whether a q parameter's value is zero ("0", "0.", "0.000"): the coding is refused.
bool zero_quality(std::string_view q) {
  if (q.empty() || q.front() != '0') return false;
  q.remove_prefix(1);
  if (q.empty()) return true;
  if (q.front() != '.') return false;
  return q.substr(1).find_first_not_of('0') == std::string_view::npos;
}

std::string_view content_type(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// The stored bytes inflated; "" if they do not inflate to `size` bytes (a build defect).
std::string inflated(const UiAsset& asset) {
  std::string out(asset.size, '\0');
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return "";  // 16: a gzip wrapper
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(asset.gzip.data()));
  z.avail_in = static_cast<uInt>(asset.gzip.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&z, Z_FINISH);
  const bool whole = status == Z_STREAM_END && z.total_out == asset.size;
  inflateEnd(&z);
  return whole ? out : "";
}

// Every file inflated, in ui_assets()' order: once per process (35 KB), on the first request
// from a client without gzip (curl, a probe), rather than again for each such request.
const std::vector<std::string>& inflated_assets() {
  static const std::vector<std::string> k_plain = [] {
    std::vector<std::string> out;
    for (const UiAsset& asset : ui_assets()) out.push_back(inflated(asset));
    return out;
  }();
  return k_plain;
}

HttpResponse text_reply(int status, std::string text) {
  return HttpResponse{status, "text/plain; charset=utf-8", {{"X-Content-Type-Options", "nosniff"}}, std::move(text)};
}

// The page may load only its own files and talk only to the berth that served it: no other
// origin, no inline script, no framing (a key typed into a framed page could be watched).
constexpr std::string_view k_content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  // gzip named outright decides, wherever it stands; else "*" does (RFC 9110 12.5.3).
  std::optional<bool> gzip;
  std::optional<bool> any;
  for (const std::string_view item : split(accept_encoding, ',')) {
    const auto parts = split(item, ';');
    const std::string_view coding = trim(parts.front());
    const bool named = equals_ignoring_case(coding, "gzip");
    if (!named && coding != "*") continue;
    bool refused = false;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const std::string_view parameter = trim(parts[i]);
      if (parameter.size() >= 2 && ascii_lower(parameter[0]) == 'q' && parameter[1] == '=') {
        refused = zero_quality(trim(parameter.substr(2)));
      }
    }
    (named ? gzip : any) = !refused;
  }
  return gzip.value_or(any.value_or(false));
}

std::optional<HttpResponse> ui_route(const HttpRequest& request, std::string_view path) {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  if (!path.starts_with(k_ui_path)) return std::nullopt;
  std::string_view rest = path.substr(k_ui_path.size());
  if (rest.empty()) {
    // Relative links in the page resolve against /ui/, not /.
    HttpResponse moved = text_reply(301, "The dashboard is at /ui/.\n");
    moved.headers.emplace_back("Location", std::string(k_ui_path) + "/");
    return moved;
  }
  if (rest.front() != '/') return std::nullopt;  // "/uix" is not ours
  rest.remove_prefix(1);
  const std::string_view name = rest.empty() ? "index.html" : rest;
  const auto assets = ui_assets();
  for (std::size_t i = 0; i < assets.size(); ++i) {
    const UiAsset& asset = assets[i];
    if (asset.name != name) continue;
    HttpResponse response{200, std::string(content_type(name)), {}, ""};
    // A new binary may bring new files under the same names: revalidate, never reuse blindly.
    response.headers = {{"Cache-Control", "no-cache"},
                        {"Vary", "Accept-Encoding"},
                        {"X-Content-Type-Options", "nosniff"},
                        {"Referrer-Policy", "no-referrer"},
                        {"Content-Security-Policy", std::string(k_content_security_policy)}};
    if (accepts_gzip(request.header("accept-encoding"))) {
      response.headers.emplace_back("Content-Encoding", "gzip");
      response.body = asset.gzip;
    } else {
      response.body = inflated_assets()[i];
      if (response.body.size() != asset.size) return text_reply(500, "The dashboard's files are damaged.\n");
    }
    return response;
  }
  return text_reply(404, "No such file in the dashboard.\n");
}

}  // namespace berth::api
