// AWS Signature Version 4 verification of a request as received: the Authorization header form
// and the presigned query form (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Signature). Pure functions of their arguments; thread-safe as long
// as the SecretLookup is.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/auth/auth_error.hpp"
#include "api/auth/canonical_request.hpp"
#include "api/auth/digest.hpp"
#include "common/clock.hpp"
#include "common/thread_annotations.hpp"

namespace berth::api::auth {

// The request exactly as it arrived, nothing decoded or reordered.
struct ReceivedRequest {
  std::string_view method;              // "POST"
  std::string_view raw_path;            // request-target before '?', still percent-encoded
  std::string_view raw_query;           // after '?', still percent-encoded; empty if none
  std::span<const HeaderField> headers;  // every header line (Host included), arrival order
  std::string_view body;                // the whole body; its SHA-256 is part of what is signed
};

// What berth accepts in a credential scope: its region and the signing names of the APIs it
// serves ("ecs", "scheduler", "secretsmanager", "ssm", ...).
struct SigningScope {
  std::string region;
  std::vector<std::string> services;
};

// Who signed: the access key and the signing name the request was signed for (the caller
// checks it against the API the request addresses).
struct Identity {
  std::string access_key_id;
  std::string service;
};

// Returns the secret access key of `access_key_id`, or nullopt if berth has no such key. Must
// be callable (non-empty).
using SecretLookup = std::function<std::optional<std::string>(std::string_view access_key_id)>;

// "AKID/20150830/us-east-1/service/aws4_request".
struct Credential {
  std::string access_key_id;
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  std::string terminator;  // "aws4_request"
};

// What a signature claims: the fields of an Authorization header or of a presigned query.
struct SignatureClaim {
  Credential credential;
  std::string signed_headers;                // as written: "host;x-amz-date"
  std::vector<std::string> signed_header_names;  // split and lower-cased
  std::string signature;                     // hex as written
};

inline constexpr std::string_view k_algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::int64_t k_allowed_skew_seconds = 5 * 60;
inline constexpr std::int64_t k_max_presign_expires_seconds = 7 * 24 * 3600;
inline constexpr std::size_t k_max_authorization_bytes = 4096;
inline constexpr std::size_t k_max_signed_headers = 64;
inline constexpr std::size_t k_max_query_params = 256;

// Returns the parsed Authorization header value, or IncompleteSignatureException with AWS's
// wording for a malformed one.
[[nodiscard]] AuthResult<SignatureClaim> parse_authorization(std::string_view header);
// Returns the five parts of a credential, or IncompleteSignatureException.
[[nodiscard]] AuthResult<Credential> parse_credential(std::string_view text);
// Returns the seconds since the epoch of an ISO 8601 basic UTC time ("20150830T123600Z").
[[nodiscard]] std::optional<std::int64_t> parse_amz_date(std::string_view text);
// Returns `epoch_seconds` as an ISO 8601 basic UTC time.
std::string format_amz_date(std::int64_t epoch_seconds);

// Returns the AWS4 signing key of `secret` for `date8`/`region`/`service` (four HMACs).
Digest derive_signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                          std::string_view service);
// Returns the hex signature of `string_to_sign` under the key derived from `secret` for
// `date8`/`region`/`service` (AWS4 key derivation).
std::string sign(std::string_view secret, std::string_view date8, std::string_view region, std::string_view service,
                 std::string_view string_to_sign);

// Derived signing keys by (secret, date, region, service), as the AWS SDKs keep them: a key serves
// a whole day, so a steady client costs one HMAC per request instead of five. At most
// k_max_entries keys (a full cache starts over). Thread-safe.
class SigningKeyCache {
 public:
  static constexpr std::size_t k_max_entries = 256;
  // Returns the signing key, derived and kept on first use.
  Digest get(std::string_view secret, std::string_view date8, std::string_view region, std::string_view service);
  std::size_t size();

 private:
  Mutex m_mutex;
  std::map<std::string, Digest, std::less<>> m_keys BERTH_GUARDED_BY(m_mutex);  // "secret\ndate\nregion\nservice"
};
// Returns the string to sign for a canonical request.
std::string string_to_sign(std::string_view amz_date, const Credential& credential, std::string_view canonical_request);

// Returns who signed `request`, or why it is refused (MissingAuthenticationTokenException,
// IncompleteSignatureException, UnrecognizedClientException, InvalidSignatureException).
// `now_ms` is the server's clock; the signature time must be within ±5 minutes of it (or,
// presigned, within its X-Amz-Expires). With `keys`, derived signing keys are taken from it. The payload hash is always SHA-256 of `request.body`:
// UNSIGNED-PAYLOAD is refused, as AWS does for every service but S3.
[[nodiscard]] AuthResult<Identity> verify_sigv4(const ReceivedRequest& request, EpochMs now_ms,
                                                const SigningScope& scope, const SecretLookup& secrets,
                                                SigningKeyCache* keys = nullptr);

}  // namespace berth::api::auth
