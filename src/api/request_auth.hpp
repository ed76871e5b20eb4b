// Who is calling and whether they may: TCP requests are authenticated with AWS SigV4 against
// berth's access keys, unix-socket requests by the caller's peer credentials (root and members
// of the socket's group are admins); then the caller's IAM-style policies decide each action on
// each resource. Thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/auth/auth_error.hpp"
#include "api/auth/key_ring.hpp"
#include "api/auth/policy.hpp"
#include "api/auth/request_resources.hpp"
#include "api/auth/sigv4.hpp"
#include "api/http_peer.hpp"
#include "api/http_request_parser.hpp"
#include "common/clock.hpp"

namespace berth::api {

// `off` is the explicit, logged opt-out: TCP requests are then taken unsigned, as admin.
enum class TcpAuth { sigv4, off };

struct AuthOptions {
  TcpAuth tcp = TcpAuth::sigv4;
  std::string socket_path;  // its group (read at each request, so a chgrp takes effect) are admins there
  std::string region;      // the credential scope's region
  std::string account;     // for "arn:aws:iam::<account>:user/<name>" in denials
};

struct Caller {
  std::string principal;   // for the audit log: "key:AKIA... (name)", "uid:1000", "anonymous"
  std::string user_name;   // the key's user; "uid-<n>" on the socket; "anonymous"
  std::string signed_for;  // the SigV4 signing name ("ecs", ...); "" when the request was not signed
  std::shared_ptr<const std::vector<auth::Policy>> policies;
};

class RequestAuth {
 public:
  RequestAuth(auth::KeyRing& keys, const Clock& clock, AuthOptions options);

  // Returns the caller of `request`, or why it is refused (MissingAuthenticationTokenException,
  // IncompleteSignatureException, UnrecognizedClientException, InvalidSignatureException, or
  // AccessDeniedException for a socket peer outside the socket's group).
  [[nodiscard]] auth::AuthResult<Caller> authenticate(const HttpRequest& request, const HttpPeer& peer) const;

  // Returns nothing if `caller` may do all of `access` (its action on every resource, and each
  // further permission), else the error to answer: InvalidSignatureException if the request was
  // signed for another API than `signing_name`, AccessDeniedException naming the first refused
  // action and resource otherwise.
  [[nodiscard]] std::optional<auth::AuthError> authorize(const Caller& caller, std::string_view signing_name,
                                                         const auth::RequestedAccess& access) const;

 private:
  auth::AuthResult<Caller> authenticate_signed(const HttpRequest& request) const;
  Caller admin(std::string principal, std::string user_name) const;

  auth::KeyRing& m_keys;
  const Clock& m_clock;
  AuthOptions m_options;
  std::shared_ptr<const std::vector<auth::Policy>> m_admin;
  auth::SigningScope m_scope;
  mutable auth::SigningKeyCache m_signing_keys;
};

}  // namespace berth::api
