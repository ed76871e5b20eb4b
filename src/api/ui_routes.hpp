// The dashboard's files: GET (and HEAD) /ui redirects to /ui/, /ui/ is index.html and
// /ui/<name> each other file compiled into the binary (api/ui_assets.hpp). They are answered
// before authentication: they are the same bytes in every berth of a version and hold nothing of
// the gateway's; everything the page shows it asks of the signed API itself, as any client does.
// Sent gzip-compressed, as stored, to a client that accepts gzip, else inflated (once per process,
// on the first such request). Thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "api/http_request_parser.hpp"
#include "api/http_response.hpp"

namespace berth::api {

inline constexpr std::string_view k_ui_path = "/ui";

// The answer to `request` for the decoded `path` if it is a GET or HEAD under /ui; nothing for
// any other request.
std::optional<HttpResponse> ui_route(const HttpRequest& request, std::string_view path);

// Whether an Accept-Encoding value accepts gzip ("gzip, deflate, br", "*"; not "gzip;q=0").
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace berth::api
