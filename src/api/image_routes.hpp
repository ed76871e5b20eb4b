// GET /v1/images: this node's images (size, where from, in use) and the pulls under way with their
// progress, JSON of model/image_listing.hpp, from svc::Context::images; authorized as
// "berth:ListImages" on "*" (the read-only policy has it). The dashboard's images view reads it.
// Thread-safe.
#pragma once

#include "api/http_routes.hpp"

namespace berth::api {

inline constexpr std::string_view k_images_path = "/v1/images";

// The answer to GET /v1/images for an authenticated `caller`.
HttpResponse image_listing(ApiServices& api, const Caller& caller);

}  // namespace berth::api
