#include "api/relay_routes.hpp"

#include "api/auth/request_resources.hpp"
#include "model/relay_requests.hpp"
#include "svc/remote_exec.hpp"

namespace berth::api {

HttpResponse relay_connection(ApiServices& api, const Caller& caller, const HttpRequest& request, const HttpPeer& peer) {
  if (request.header("upgrade") != model::k_relay_upgrade) {
    return to_response(error_reply({Code::client, "A relay connection is opened by a joined gateway's agent (Upgrade: berth-relay)."}));
  }
  if (peer.transport == HttpPeer::Transport::tcp) {
    return to_response(error_reply({Code::client, "A relay connection needs TLS (the gateway's BERTH_TLS)."}));
  }
  auto body = model::decode_request_body(request.body, model::connect_relay_shape());
  if (!body) return to_response(error_reply(body.error()));
  auto connect = model::decode_connect_relay(*body);
  if (!connect) return to_response(error_reply(connect.error()));
  model::Json members{{"containerInstance", connect->container_instance}};
  if (connect->cluster) members["cluster"] = *connect->cluster;
  const auth::RequestContext context{api.ctx.arns, api.ctx.default_cluster, caller.user_name};
  auto access = auth::requested_access(context, "berth", "ConnectRelaySession", members);
  if (!access) return to_response(error_reply(access.error()));
  if (auto denied = api.auth.authorize(caller, "berth", *access)) return to_response(auth_error_reply(*denied));
  auto handoff = svc::connect_relay_session(api.ctx, *connect);
  if (!handoff) return to_response(error_reply(handoff.error()));
  HttpResponse response{101, "", {{"Connection", "Upgrade"}, {"Upgrade", std::string(model::k_relay_upgrade)}}, ""};
  response.takeover = std::move(*handoff);
  return response;
}

}  // namespace berth::api
