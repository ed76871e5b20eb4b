// POST /v1/relay (model::k_relay_path) with Upgrade: berth-relay: a joined gateway's agent
// connecting back for a session its poll listed (`berth exec -i/-t`, `berth attach` on the
// serving gateway for a task there), signed with the instance's key and authorized as
// "berth:ConnectRelaySession" on the instance (its key's policy allows its own only). Answered 101
// and handed to the session's splice (svc/remote_exec.hpp's connect_relay_session), or a JSON
// error reply. Unix socket or TLS only, as exec sessions. Thread-safe.
#pragma once

#include "api/http_routes.hpp"

namespace berth::api {

// The answer to the agent's request for an authenticated `caller`.
HttpResponse relay_connection(ApiServices& api, const Caller& caller, const HttpRequest& request, const HttpPeer& peer);

}  // namespace berth::api
