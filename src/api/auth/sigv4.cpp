#include "api/auth/sigv4.hpp"

#include <algorithm>
#include <cstdio>

#include "api/auth/digest.hpp"
#include "common/civil_time.hpp"
#include "common/numbers.hpp"

namespace berth::api::auth {
namespace {

constexpr std::string_view k_mismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details.";
constexpr std::string_view k_unknown_key = "The security token included in the request is invalid.";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Returns every value of header `name` (case-insensitive).
std::vector<std::string_view> header_values(std::span<const HeaderField> headers, std::string_view name) {
  std::vector<std::string_view> values;
  for (const auto& [header, value] : headers) {
    if (equals_ignoring_case(header, name)) values.push_back(value);
  }
  return values;
}

AuthResult<std::vector<std::string>> parse_signed_headers(std::string_view list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t semicolon = std::min(list.find(';', start), list.size());
    const std::string_view name = list.substr(start, semicolon - start);
    if (name.empty() || names.size() == k_max_signed_headers) {
      return auth_fail(AuthFailure::incomplete_signature,
                       "SignedHeaders must be a ';'-separated list of at most " + std::to_string(k_max_signed_headers) +
                           " header names, got '" + std::string(list) + "'.");
    }
    std::string lowered(name);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), ascii_lower);
    names.push_back(std::move(lowered));
    start = semicolon + 1;
  }
  if (std::find(names.begin(), names.end(), "host") == names.end()) {
    return auth_fail(AuthFailure::incomplete_signature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return names;
}

// The fields a verification needs, whichever form carried them.
struct Claim {
  SignatureClaim signature;
  std::string amz_date;
  std::optional<std::int64_t> expires_seconds;  // presigned only
  bool presigned = false;
};

AuthResult<Claim> claim_from_header(std::string_view authorization, std::span<const HeaderField> headers) {
  auto parsed = parse_authorization(authorization);
  if (!parsed) return std::unexpected(parsed.error());
  const auto dates = header_values(headers, "x-amz-date");
  if (dates.empty()) {
    // Berth reads the signing time from X-Amz-Date only (every AWS SDK sends it).
    return auth_fail(AuthFailure::incomplete_signature,
                     "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" +
                         std::string(authorization));
  }
  if (dates.size() > 1) return auth_fail(AuthFailure::incomplete_signature, "X-Amz-Date must be given once.");
  return Claim{std::move(*parsed), std::string(trim(dates.front())), std::nullopt, false};
}

const QueryParam* find_param(std::span<const QueryParam> params, std::string_view name) {
  const auto it = std::find_if(params.begin(), params.end(), [&](const QueryParam& p) { return p.name == name; });
  return it == params.end() ? nullptr : &*it;
}

AuthResult<Claim> claim_from_query(std::span<const QueryParam> params) {
  static constexpr std::string_view k_required[] = {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
                                                    "X-Amz-SignedHeaders"};
  std::string missing;
  for (const std::string_view name : k_required) {
    const auto count = std::count_if(params.begin(), params.end(), [&](const QueryParam& p) { return p.name == name; });
    if (count > 1) return auth_fail(AuthFailure::incomplete_signature, "'" + std::string(name) + "' must be given once.");
    if (count == 0) missing += (missing.empty() ? "'" : ", '") + std::string(name) + "'";
  }
  if (!missing.empty()) {
    return auth_fail(AuthFailure::incomplete_signature,
                     "AWS query-string parameters must include " + missing + ". Re-examine the query-string parameters.");
  }
  const std::string& algorithm = find_param(params, "X-Amz-Algorithm")->value;
  if (algorithm != k_algorithm) {
    return auth_fail(AuthFailure::incomplete_signature,
                     "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\", got '" + algorithm + "'.");
  }
  Claim claim;
  claim.presigned = true;
  auto credential = parse_credential(find_param(params, "X-Amz-Credential")->value);
  if (!credential) return std::unexpected(credential.error());
  claim.signature.credential = std::move(*credential);
  claim.signature.signed_headers = find_param(params, "X-Amz-SignedHeaders")->value;
  auto names = parse_signed_headers(claim.signature.signed_headers);
  if (!names) return std::unexpected(names.error());
  claim.signature.signed_header_names = std::move(*names);
  claim.signature.signature = find_param(params, "X-Amz-Signature")->value;
  claim.amz_date = find_param(params, "X-Amz-Date")->value;
  if (const QueryParam* expires = find_param(params, "X-Amz-Expires")) {
    const auto seconds = parse_integer_in<std::int64_t>(expires->value, 1, k_max_presign_expires_seconds);
    if (!seconds) {
      return auth_fail(AuthFailure::incomplete_signature,
                       "X-Amz-Expires must be a whole number of seconds from 1 to 604800 (a week), got '" +
                           expires->value + "'.");
    }
    claim.expires_seconds = *seconds;
  }
  return claim;
}

// Returns an InvalidSignatureException unless the signing time fits the server's clock.
AuthResult<void> check_time(const Claim& claim, std::int64_t signed_at, std::int64_t now) {
  if (claim.expires_seconds && now > signed_at + *claim.expires_seconds) {
    return auth_fail(AuthFailure::invalid_signature,
                     "Request has expired: signed at " + claim.amz_date + " for " + std::to_string(*claim.expires_seconds) +
                         " seconds, now " + format_amz_date(now) + ".");
  }
  if (!claim.expires_seconds && signed_at < now - k_allowed_skew_seconds) {
    return auth_fail(AuthFailure::invalid_signature, "Signature expired: " + claim.amz_date + " is now earlier than " +
                                                         format_amz_date(now - k_allowed_skew_seconds) + " (" +
                                                         format_amz_date(now) + " - 5 min.)");
  }
  if (signed_at > now + k_allowed_skew_seconds) {
    return auth_fail(AuthFailure::invalid_signature, "Signature not yet current: " + claim.amz_date +
                                                         " is still later than " +
                                                         format_amz_date(now + k_allowed_skew_seconds) + " (" +
                                                         format_amz_date(now) + " + 5 min.)");
  }
  return {};
}

AuthResult<void> check_scope(const Credential& credential, std::string_view amz_date, const SigningScope& scope) {
  if (credential.date != amz_date.substr(0, 8)) {
    return auth_fail(AuthFailure::invalid_signature,
                     "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                         credential.date + "' != '" + std::string(amz_date.substr(0, 8)) + "', from '" +
                         std::string(amz_date) + "'.");
  }
  if (credential.region != scope.region) {
    return auth_fail(AuthFailure::invalid_signature, "Credential should be scoped to a valid region, not '" +
                                                         credential.region + "'. This endpoint serves '" + scope.region + "'.");
  }
  if (std::find(scope.services.begin(), scope.services.end(), credential.service) == scope.services.end()) {
    return auth_fail(AuthFailure::invalid_signature,
                     "Credential should be scoped to correct service, not '" + credential.service + "'.");
  }
  if (credential.terminator != "aws4_request") {
    return auth_fail(AuthFailure::invalid_signature, "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                                                         credential.terminator + "'.");
  }
  return {};
}

// Returns the payload hash a client signed for `body`: SHA-256 of the bytes, whatever a
// X-Amz-Content-SHA256 header declares (a header that differs is refused by name).
AuthResult<std::string> payload_hash(std::span<const HeaderField> headers, std::string_view body) {
  std::string hash = sha256_hex(body);
  for (const std::string_view declared : header_values(headers, "x-amz-content-sha256")) {
    if (trim(declared) == "UNSIGNED-PAYLOAD") {
      return auth_fail(AuthFailure::invalid_signature, "UNSIGNED-PAYLOAD is not accepted: sign the SHA-256 of the request body.");
    }
    if (trim(declared) != hash) {
      return auth_fail(AuthFailure::invalid_signature, "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }
  return hash;
}

}  // namespace

AuthResult<Credential> parse_credential(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size() && parts.size() <= 5) {
    const std::size_t slash = std::min(text.find('/', start), text.size());
    parts.emplace_back(text.substr(start, slash - start));
    start = slash + 1;
  }
  if (parts.size() != 5 || std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
    return auth_fail(AuthFailure::incomplete_signature,
                     "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" +
                         std::string(text) + "'");
  }
  return Credential{parts[0], parts[1], parts[2], parts[3], parts[4]};
}

AuthResult<SignatureClaim> parse_authorization(std::string_view header) {
  header = trim(header);
  if (header.size() > k_max_authorization_bytes) {
    return auth_fail(AuthFailure::incomplete_signature,
                     "Authorization header is longer than " + std::to_string(k_max_authorization_bytes) + " bytes.");
  }
  const std::size_t space = std::min(header.find(' '), header.size());
  const std::string_view algorithm = header.substr(0, space);
  if (algorithm != k_algorithm) {
    return auth_fail(AuthFailure::incomplete_signature, "Unsupported Authorization algorithm '" + std::string(algorithm) +
                                                            "': only AWS4-HMAC-SHA256 (Signature Version 4) is accepted.");
  }
  std::optional<std::string_view> credential, signed_headers, signature;
  const std::string_view rest = header.substr(space);
  std::size_t start = 0;
  while (start <= rest.size()) {
    const std::size_t comma = std::min(rest.find(',', start), rest.size());
    const std::string_view component = trim(rest.substr(start, comma - start));
    start = comma + 1;
    if (component.empty()) continue;
    const std::size_t equals = component.find('=');
    if (equals == std::string_view::npos) {
      return auth_fail(AuthFailure::incomplete_signature, "'" + std::string(component) +
                                                              "' not a valid key=value pair (missing equal-sign) in "
                                                              "Authorization header: '" + std::string(header) + "'.");
    }
    const std::string_view key = component.substr(0, equals);
    std::optional<std::string_view>* slot = key == "Credential" ? &credential
                                            : key == "SignedHeaders" ? &signed_headers
                                            : key == "Signature" ? &signature : nullptr;
    if (slot == nullptr) continue;  // AWS ignores parameters it does not know
    if (slot->has_value()) {
      return auth_fail(AuthFailure::incomplete_signature, "Authorization header has '" + std::string(key) + "' twice.");
    }
    *slot = component.substr(equals + 1);
  }
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) return auth_fail(AuthFailure::incomplete_signature, missing + "Authorization=" + std::string(header));
  SignatureClaim claim;
  auto parsed_credential = parse_credential(*credential);
  if (!parsed_credential) return std::unexpected(parsed_credential.error());
  claim.credential = std::move(*parsed_credential);
  claim.signed_headers = std::string(*signed_headers);
  auto names = parse_signed_headers(*signed_headers);
  if (!names) return std::unexpected(names.error());
  claim.signed_header_names = std::move(*names);
  claim.signature = std::string(*signature);
  return claim;
}

std::optional<std::int64_t> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t length) -> int {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const int year = number(0, 4), month = number(4, 2), day = number(6, 2);
  const int hour = number(9, 2), minute = number(11, 2), second = number(13, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  return utc_seconds(year, month, day, hour, minute, second);
}

std::string format_amz_date(std::int64_t epoch_seconds) {
  const std::int64_t days = floor_div(epoch_seconds, 86400);
  const std::int64_t in_day = epoch_seconds - days * 86400;
  const CivilDate date = civil_from_days(days);
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02d%02dT%02d%02d%02dZ", date.year, date.month, date.day,
                static_cast<int>(in_day / 3600), static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60));
  return text;
}

namespace {

std::string_view as_key(const Digest& d) { return std::string_view(reinterpret_cast<const char*>(d.data()), d.size()); }

}  // namespace

Digest derive_signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                          std::string_view service) {
  const Digest date_key = hmac_sha256("AWS4" + std::string(secret), date8);
  const Digest region_key = hmac_sha256(as_key(date_key), region);
  const Digest service_key = hmac_sha256(as_key(region_key), service);
  return hmac_sha256(as_key(service_key), "aws4_request");
}

std::string sign(std::string_view secret, std::string_view date8, std::string_view region, std::string_view service,
                 std::string_view string_to_sign) {
  return to_hex(hmac_sha256(as_key(derive_signing_key(secret, date8, region, service)), string_to_sign));
}

Digest SigningKeyCache::get(std::string_view secret, std::string_view date8, std::string_view region,
                            std::string_view service) {
  std::string name;
  name.reserve(secret.size() + date8.size() + region.size() + service.size() + 3);
  name.append(secret).append("\n").append(date8).append("\n").append(region).append("\n").append(service);
  {
    MutexLock lock(m_mutex);
    if (const auto it = m_keys.find(name); it != m_keys.end()) return it->second;
  }
  const Digest key = derive_signing_key(secret, date8, region, service);
  MutexLock lock(m_mutex);
  if (m_keys.size() >= k_max_entries) m_keys.clear();  // yesterday's keys, or many keys: start over
  m_keys.emplace(std::move(name), key);
  return key;
}

std::size_t SigningKeyCache::size() {
  MutexLock lock(m_mutex);
  return m_keys.size();
}

std::string string_to_sign(std::string_view amz_date, const Credential& credential, std::string_view canonical_request) {
  return std::string(k_algorithm) + "\n" + std::string(amz_date) + "\n" + credential.date + "/" + credential.region + "/" +
         credential.service + "/" + credential.terminator + "\n" + sha256_hex(canonical_request);
}

AuthResult<Identity> verify_sigv4(const ReceivedRequest& request, EpochMs now_ms, const SigningScope& scope,
                                  const SecretLookup& secrets, SigningKeyCache* keys) {
  const std::vector<QueryParam> params = parse_query(request.raw_query);
  if (params.size() > k_max_query_params) {
    return auth_fail(AuthFailure::incomplete_signature,
                     "The query string has more than " + std::to_string(k_max_query_params) + " parameters.");
  }
  const auto authorizations = header_values(request.headers, "authorization");
  const bool presigned = find_param(params, "X-Amz-Algorithm") || find_param(params, "X-Amz-Credential") ||
                         find_param(params, "X-Amz-Signature");
  if (authorizations.empty() && !presigned) {
    return auth_fail(AuthFailure::missing_authentication_token, "Missing Authentication Token");
  }
  if (authorizations.size() + (presigned ? 1 : 0) > 1) {
    return auth_fail(AuthFailure::incomplete_signature,
                     "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization "
                     "header should be specified.");
  }
  auto claim = presigned ? claim_from_query(params) : claim_from_header(authorizations.front(), request.headers);
  if (!claim) return std::unexpected(claim.error());
  const std::optional<std::int64_t> signed_at = parse_amz_date(claim->amz_date);
  if (!signed_at) {
    return auth_fail(AuthFailure::incomplete_signature, "Date must be in ISO-8601 'basic format'. Got '" + claim->amz_date +
                                                            "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  const Credential& credential = claim->signature.credential;
  const std::optional<std::string> secret = secrets(credential.access_key_id);
  if (!secret) return auth_fail(AuthFailure::unrecognized_client, std::string(k_unknown_key));
  // berth issues no temporary credentials, so a session token is never one of its own.
  if (!header_values(request.headers, "x-amz-security-token").empty() || find_param(params, "X-Amz-Security-Token")) {
    return auth_fail(AuthFailure::unrecognized_client, std::string(k_unknown_key));
  }
  if (auto time = check_time(*claim, *signed_at, floor_div(now_ms, 1000)); !time) return std::unexpected(time.error());
  if (auto scoped = check_scope(credential, claim->amz_date, scope); !scoped) return std::unexpected(scoped.error());
  auto payload = payload_hash(request.headers, request.body);
  if (!payload) return std::unexpected(payload.error());

  const std::string canonical = canonical_request(
      request.method, canonical_uri(request.raw_path), canonical_query(params, presigned ? "X-Amz-Signature" : ""),
      canonical_headers(request.headers, claim->signature.signed_header_names), claim->signature.signed_headers, *payload);
  const Digest signing_key = keys ? keys->get(*secret, credential.date, credential.region, credential.service)
                                  : derive_signing_key(*secret, credential.date, credential.region, credential.service);
  const std::string expected =
      to_hex(hmac_sha256(as_key(signing_key), string_to_sign(claim->amz_date, credential, canonical)));
  if (!constant_time_equal(expected, claim->signature.signature)) {
    return auth_fail(AuthFailure::invalid_signature, std::string(k_mismatch));
  }
  return Identity{credential.access_key_id, credential.service};
}

}  // namespace berth::api::auth
