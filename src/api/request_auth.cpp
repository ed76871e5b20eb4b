#include "api/request_auth.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "common/log.hpp"

namespace berth::api {
namespace {

// The signing names of the APIs berth serves ("monitoring" is CloudWatch); "berth" signs its own
// key and logs routes.
const std::vector<std::string> k_signing_names = {"ecs",        "scheduler",               "secretsmanager", "ssm",
                                                   "monitoring", "application-autoscaling", "berth",          "logs",
                                                   "servicediscovery",
                                                   "elasticloadbalancing"};

// Returns the group of the socket file, or nullopt if it cannot be read.
std::optional<gid_t> group_of(const std::string& path) {
  struct stat status{};
  if (::stat(path.c_str(), &status) != 0) return std::nullopt;
  return status.st_gid;
}

bool in_group(const PeerCredentials& peer, std::optional<gid_t> group) {
  return group && (peer.gid == *group || std::ranges::find(peer.groups, *group) != peer.groups.end());
}

}  // namespace

RequestAuth::RequestAuth(auth::KeyRing& keys, const Clock& clock, AuthOptions options)
    : m_keys(keys), m_clock(clock), m_options(std::move(options)), m_scope{m_options.region, k_signing_names} {
  auto admin = auth::builtin_policy("admin");
  BERTH_CHECK(admin.has_value());
  m_admin = std::make_shared<const std::vector<auth::Policy>>(std::vector<auth::Policy>{std::move(*admin)});
}

Caller RequestAuth::admin(std::string principal, std::string user_name) const {
  return Caller{std::move(principal), std::move(user_name), "", m_admin};
}

auth::AuthResult<Caller> RequestAuth::authenticate(const HttpRequest& request, const HttpPeer& peer) const {
  if (peer.transport == HttpPeer::Transport::unix_socket) {
    // The socket is 0660: only root and its group can connect at all. The check stands anyway,
    // so a socket whose mode was widened by hand still admits nobody else.
    if (!peer.credentials) {
      return auth::auth_fail(auth::AuthFailure::access_denied, "The caller's credentials on the unix socket are unknown.");
    }
    const PeerCredentials& who = *peer.credentials;
    const std::string uid = std::to_string(who.uid);
    if (who.uid != 0 && !in_group(who, group_of(m_options.socket_path))) {
      return auth::auth_fail(auth::AuthFailure::access_denied,
                             "User: uid " + uid + " is not authorized to use berth's unix socket: only root and members "
                             "of the socket's group are.");
    }
    return admin("uid:" + uid, "uid-" + uid);
  }
  if (m_options.tcp == TcpAuth::off) return admin("anonymous", "anonymous");
  return authenticate_signed(request);
}

auth::AuthResult<Caller> RequestAuth::authenticate_signed(const HttpRequest& request) const {
  std::vector<auth::HeaderField> headers;
  headers.reserve(request.headers.size());
  for (const auto& h : request.headers) headers.emplace_back(h.name, h.value);
  const std::string_view target = request.target;
  const auto question = target.find('?');
  const auth::ReceivedRequest received{request.method, target.substr(0, question),
                                       question == std::string_view::npos ? std::string_view() : target.substr(question + 1),
                                       headers, request.body};
  std::optional<auth::KeyEntry> key;
  const auth::SecretLookup lookup = [&](std::string_view access_key_id) -> std::optional<std::string> {
    key = m_keys.find(access_key_id);
    if (!key) return std::nullopt;
    return key->secret;
  };
  auto identity = auth::verify_sigv4(received, m_clock.now_ms(), m_scope, lookup, &m_signing_keys);
  if (!identity) return std::unexpected(identity.error());
  BERTH_CHECK(key.has_value());
  return Caller{"key:" + key->access_key_id + " (" + key->user_name + ")", key->user_name, identity->service,
                key->policies};
}

std::optional<auth::AuthError> RequestAuth::authorize(const Caller& caller, std::string_view signing_name,
                                                      const auth::RequestedAccess& access) const {
  if (!caller.signed_for.empty() && caller.signed_for != signing_name) {
    return auth::AuthError{auth::AuthFailure::invalid_signature,
                           "Credential should be scoped to correct service: '" + std::string(signing_name) + "'. "};
  }
  if (auto refusal = auth::first_refusal(*caller.policies, access)) {
    return auth::access_denied(refusal->decision, m_options.account, caller.user_name, refusal->action,
                               refusal->resource);
  }
  return std::nullopt;
}

}  // namespace berth::api
