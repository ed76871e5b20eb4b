#include "api/image_routes.hpp"

#include "api/auth/request_resources.hpp"
#include "svc/image_catalog.hpp"

namespace berth::api {

HttpResponse image_listing(ApiServices& api, const Caller& caller) {
  const auth::RequestContext context{api.ctx.arns, api.ctx.default_cluster, caller.user_name};
  auto access = auth::requested_access(context, "berth", "ListImages", model::Json::object());
  if (!access) return to_response(error_reply(access.error()));
  if (auto denied = api.auth.authorize(caller, "berth", *access)) return to_response(auth_error_reply(*denied));
  // A berth without a local agent's store (unit tests) has no images to list.
  model::ImageListing listing;
  if (api.ctx.images) {
    auto listed = api.ctx.images->listing();
    if (!listed) return to_response(error_reply(listed.error()));
    listing = std::move(*listed);
  }
  return to_response(Reply{200, to_wire(model::to_json(listing)), ""}, "application/json");
}

}  // namespace berth::api
