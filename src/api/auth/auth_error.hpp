// AuthError: why a request was not authenticated or not authorized, as the AWS exception it
// becomes on the wire. Plain value; thread-compatible.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace berth::api::auth {

enum class AuthFailure {
  missing_authentication_token,  // no signature at all
  incomplete_signature,          // a malformed Authorization header or presigned query
  invalid_signature,             // signature mismatch, expired or not yet current, wrong scope
  unrecognized_client,           // unknown access key
  access_denied,                 // signed, but no policy allows the action (or one denies it)
};

struct AuthError {
  AuthFailure failure = AuthFailure::access_denied;
  std::string message;

  // Returns the AWS exception name for `__type` (or the REST error type header).
  std::string_view exception_name() const {
    switch (failure) {
      case AuthFailure::missing_authentication_token: return "MissingAuthenticationTokenException";
      case AuthFailure::incomplete_signature: return "IncompleteSignatureException";
      case AuthFailure::invalid_signature: return "InvalidSignatureException";
      case AuthFailure::unrecognized_client: return "UnrecognizedClientException";
      case AuthFailure::access_denied: return "AccessDeniedException";
    }
    return "AccessDeniedException";
  }
};

template <class T>
using AuthResult = std::expected<T, AuthError>;

[[nodiscard]] inline std::unexpected<AuthError> auth_fail(AuthFailure failure, std::string message) {
  return std::unexpected(AuthError{failure, std::move(message)});
}

}  // namespace berth::api::auth
