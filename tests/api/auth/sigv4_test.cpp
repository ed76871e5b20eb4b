// SigV4 verification of requests signed by botocore, and every way a request is refused.
#include "api/auth/sigv4.hpp"

#include <catch2/catch.hpp>

#include "api/auth/client_signed_vectors.hpp"
#include "api/auth/signed_request_fixture.hpp"

namespace sigv4_test {

using namespace berth::api::auth;
using namespace berth::api::auth::testing;

namespace {

const SigningScope k_scope{"local", {"ecs", "scheduler", "secretsmanager", "ssm"}};
constexpr std::int64_t k_minute_ms = 60'000;

std::optional<std::string> secrets(std::string_view key) {
  if (key == k_botocore_key_id) return std::string(k_botocore_secret);
  return std::nullopt;
}

OwnedRequest from_vector(const SignedVector& vector) {
  return OwnedRequest{vector.method, vector.path, vector.query, vector.body, vector.headers, {}};
}

std::string header(const OwnedRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return {};
}

AuthError refusal(OwnedRequest& request, berth::EpochMs now = k_botocore_signing_time_ms,
                  const SigningScope& scope = k_scope) {
  auto result = verify_sigv4(request.view(), now, scope, secrets);
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

void replace(std::string& text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

constexpr std::string_view k_mismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details.";

}  // namespace

TEST_CASE("Requests botocore signed verify, with the service they were signed for", "[auth][sigv4]") {
  const std::pair<const SignedVector*, const char*> cases[] = {{&k_ecs_run_task, "ecs"},
                                                                 {&k_scheduler_list, "scheduler"},
                                                                 {&k_scheduler_get_label, "scheduler"},
                                                                 {&k_scheduler_presigned, "scheduler"}};
  for (const auto& [vector, service] : cases) {
    INFO(vector->path << "?" << vector->query);
    auto request = from_vector(*vector);
    const auto identity = verify_sigv4(request.view(), k_botocore_signing_time_ms, k_scope, secrets);
    REQUIRE(identity.has_value());
    CHECK(identity->access_key_id == "AKIDBERTHTEST");
    CHECK(identity->service == service);
  }
}

TEST_CASE("Requests the AWS SDK for JavaScript v3 signed verify", "[auth][sigv4]") {
  for (const SignedVector* vector : {&k_js_ecs_run_task, &k_js_scheduler_get_label}) {
    INFO(vector->path << "?" << vector->query);
    auto request = from_vector(*vector);
    const auto identity = verify_sigv4(request.view(), k_js_signing_time_ms, k_scope, secrets);
    REQUIRE(identity.has_value());
    CHECK(identity->access_key_id == "AKIDBERTHTEST");
  }
  auto tampered = from_vector(k_js_ecs_run_task);
  tampered.set_header("amz-sdk-request", "attempt=2; max=3");
  CHECK(refusal(tampered, k_js_signing_time_ms).message == k_mismatch);
}

TEST_CASE("Header names in any case and unsigned headers do not matter; signed ones do", "[auth][sigv4]") {
  auto request = from_vector(k_ecs_run_task);
  for (auto& [name, value] : request.headers) {
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  }
  request.set_header("user-agent", "something else");
  CHECK(verify_sigv4(request.view(), k_botocore_signing_time_ms, k_scope, secrets).has_value());
  request.set_header("x-amz-target", "AmazonEC2ContainerServiceV20141113.DeleteCluster");
  CHECK(refusal(request).message == k_mismatch);
}

TEST_CASE("One changed byte of the body, path or query is an InvalidSignatureException", "[auth][sigv4]") {
  auto body = from_vector(k_ecs_run_task);
  body.body[body.body.size() - 2] = '2';  // "count": 2
  const AuthError error = refusal(body);
  CHECK(error.exception_name() == "InvalidSignatureException");
  CHECK(error.message == k_mismatch);
  auto path = from_vector(k_scheduler_get_label);
  replace(path.path, "%3A", "%3B");
  CHECK(refusal(path).message == k_mismatch);
  auto query = from_vector(k_scheduler_list);
  replace(query.query, "MaxResults=10", "MaxResults=11");
  CHECK(refusal(query).message == k_mismatch);
  auto presigned = from_vector(k_scheduler_presigned);
  replace(presigned.query, "MaxResults=5", "MaxResults=6");
  CHECK(refusal(presigned).message == k_mismatch);
}

TEST_CASE("An unknown key is an UnrecognizedClientException, a wrong secret a mismatch", "[auth][sigv4]") {
  auto request = from_vector(k_ecs_run_task);
  const SecretLookup nobody = [](std::string_view) { return std::optional<std::string>(); };
  auto unknown = verify_sigv4(request.view(), k_botocore_signing_time_ms, k_scope, nobody);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().exception_name() == "UnrecognizedClientException");
  CHECK(unknown.error().message == "The security token included in the request is invalid.");
  const SecretLookup wrong = [](std::string_view) { return std::optional<std::string>("not the secret"); };
  auto mismatch = verify_sigv4(request.view(), k_botocore_signing_time_ms, k_scope, wrong);
  REQUIRE_FALSE(mismatch.has_value());
  CHECK(mismatch.error().message == k_mismatch);
}

TEST_CASE("A signature more than 5 minutes off the server's clock is refused with AWS's wording", "[auth][sigv4]") {
  auto request = from_vector(k_ecs_run_task);
  const std::string signed_at = header(request, "X-Amz-Date");
  const auto later = refusal(request, k_botocore_signing_time_ms + 10 * k_minute_ms);
  CHECK(later.exception_name() == "InvalidSignatureException");
  CHECK(later.message == "Signature expired: " + signed_at + " is now earlier than " +
                             format_amz_date(k_botocore_signing_time_ms / 1000 + 5 * 60) + " (" +
                             format_amz_date(k_botocore_signing_time_ms / 1000 + 10 * 60) + " - 5 min.)");
  const auto earlier = refusal(request, k_botocore_signing_time_ms - 10 * k_minute_ms);
  CHECK(earlier.message == "Signature not yet current: " + signed_at + " is still later than " +
                               format_amz_date(k_botocore_signing_time_ms / 1000 - 5 * 60) + " (" +
                               format_amz_date(k_botocore_signing_time_ms / 1000 - 10 * 60) + " + 5 min.)");
  CHECK(verify_sigv4(request.view(), k_botocore_signing_time_ms + 5 * k_minute_ms, k_scope, secrets).has_value());
  CHECK(verify_sigv4(request.view(), k_botocore_signing_time_ms - 5 * k_minute_ms, k_scope, secrets).has_value());
}

TEST_CASE("A presigned request is good for its X-Amz-Expires and no longer", "[auth][sigv4]") {
  auto request = from_vector(k_scheduler_presigned);
  CHECK(verify_sigv4(request.view(), k_botocore_signing_time_ms + 900'000, k_scope, secrets).has_value());
  CHECK(refusal(request, k_botocore_signing_time_ms + 901'000).message.starts_with("Request has expired"));
  CHECK(refusal(request, k_botocore_signing_time_ms - 10 * k_minute_ms).message.starts_with("Signature not yet current"));
  auto too_long = from_vector(k_scheduler_presigned);
  replace(too_long.query, "X-Amz-Expires=900", "X-Amz-Expires=604801");
  CHECK(refusal(too_long).exception_name() == "IncompleteSignatureException");
  auto missing = from_vector(k_scheduler_presigned);
  replace(missing.query, "&X-Amz-SignedHeaders=host", "");
  const auto error = refusal(missing);
  CHECK(error.exception_name() == "IncompleteSignatureException");
  CHECK(error.message == "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.");
}

TEST_CASE("No signature at all is MissingAuthenticationTokenException; two are refused", "[auth][sigv4]") {
  auto request = from_vector(k_ecs_run_task);
  request.remove_header("Authorization");
  const auto missing = refusal(request);
  CHECK(missing.exception_name() == "MissingAuthenticationTokenException");
  CHECK(missing.message == "Missing Authentication Token");
  auto both = from_vector(k_scheduler_presigned);
  both.set_header("Authorization", header(from_vector(k_scheduler_list), "Authorization"));
  CHECK(refusal(both).exception_name() == "IncompleteSignatureException");
}

TEST_CASE("Malformed Authorization headers are IncompleteSignatureExceptions", "[auth][sigv4]") {
  auto request = from_vector(k_scheduler_list);
  const std::string good = header(request, "Authorization");
  const auto with = [&](std::string authorization) {
    request.set_header("Authorization", std::move(authorization));
    const AuthError error = refusal(request);
    CHECK(error.exception_name() == "IncompleteSignatureException");
    return error.message;
  };
  std::string no_signature = good.substr(0, good.find(", Signature="));
  CHECK(with(no_signature) == "Authorization header requires 'Signature' parameter. Authorization=" + no_signature);
  CHECK(with("AWS4-HMAC-SHA256 Credential") ==
        "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential'.");
  std::string short_credential = good;
  replace(short_credential, "/local/scheduler/", "/local/");
  CHECK(with(short_credential).starts_with("Credential must have exactly 5 slash-delimited elements"));
  std::string without_host = good;
  replace(without_host, "SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date");
  CHECK(with(without_host) == "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  std::string empty_name = good;
  replace(empty_name, "SignedHeaders=host;x-amz-date", "SignedHeaders=host;;x-amz-date");
  CHECK(with(empty_name).starts_with("SignedHeaders must be"));
  CHECK(with("AWS AKIDBERTHTEST:c2lnbmF0dXJl").starts_with("Unsupported Authorization algorithm 'AWS'"));
  CHECK(with(good + std::string(k_max_authorization_bytes, ' ') + "x").starts_with("Authorization header is longer"));
  request.set_header("Authorization", good);
  request.remove_header("X-Amz-Date");
  CHECK(refusal(request).message.starts_with("Authorization header requires existence of either a 'X-Amz-Date'"));
  request.set_header("X-Amz-Date", "2026-12-01T21:50:15Z");
  CHECK(refusal(request).message.starts_with("Date must be in ISO-8601 'basic format'"));
}

TEST_CASE("The credential scope must name berth's region, a served service and the request's date", "[auth][sigv4]") {
  auto request = from_vector(k_ecs_run_task);
  const auto region = refusal(request, k_botocore_signing_time_ms, SigningScope{"eu-west-1", {"ecs"}});
  CHECK(region.exception_name() == "InvalidSignatureException");
  CHECK(region.message.starts_with("Credential should be scoped to a valid region, not 'local'."));
  const auto service = refusal(request, k_botocore_signing_time_ms, SigningScope{"local", {"ssm"}});
  CHECK(service.message == "Credential should be scoped to correct service, not 'ecs'.");
  std::string authorization = header(request, "Authorization");
  const std::string date = header(request, "X-Amz-Date");
  replace(authorization, "/" + date.substr(0, 8) + "/", "/20000101/");
  request.set_header("Authorization", authorization);
  CHECK(refusal(request).message.starts_with("Date in Credential scope does not match YYYYMMDD"));
}

TEST_CASE("The payload hash is the body's: UNSIGNED-PAYLOAD and a different declared hash are refused", "[auth][sigv4]") {
  auto request = from_vector(k_ecs_run_task);
  request.set_header("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
  CHECK(refusal(request).message.starts_with("UNSIGNED-PAYLOAD is not accepted"));
  request.set_header("X-Amz-Content-SHA256", std::string(64, '0'));
  CHECK(refusal(request).message == "The provided 'x-amz-content-sha256' header does not match what was computed.");
}

TEST_CASE("A session token is never berth's own", "[auth][sigv4]") {
  auto request = from_vector(k_ecs_run_task);
  request.set_header("X-Amz-Security-Token", "FQoGZXIvYXdzE");
  CHECK(refusal(request).exception_name() == "UnrecognizedClientException");
}

TEST_CASE("Cached signing keys verify the same requests and refuse the same ones", "[auth][sigv4]") {
  SigningKeyCache cache;
  auto request = from_vector(k_ecs_run_task);
  for (int round = 0; round < 2; ++round) {  // derived, then taken from the cache
    const auto identity = verify_sigv4(request.view(), k_botocore_signing_time_ms, k_scope, secrets, &cache);
    REQUIRE(identity.has_value());
    CHECK(identity->access_key_id == "AKIDBERTHTEST");
  }
  CHECK(cache.size() == 1);
  // The cache is keyed by the secret: another secret for the same key id never reuses its key.
  const SecretLookup wrong = [](std::string_view) { return std::optional<std::string>("not the secret"); };
  auto mismatch = verify_sigv4(request.view(), k_botocore_signing_time_ms, k_scope, wrong, &cache);
  REQUIRE_FALSE(mismatch.has_value());
  CHECK(mismatch.error().message == k_mismatch);
  auto changed = from_vector(k_ecs_run_task);
  changed.body += " ";
  CHECK(verify_sigv4(changed.view(), k_botocore_signing_time_ms, k_scope, secrets, &cache).error().message == k_mismatch);
  // The derived key is the one sign() uses, and the cache stays bounded.
  CHECK(cache.get("s", "20150830", "us-east-1", "service") == derive_signing_key("s", "20150830", "us-east-1", "service"));
  for (int day = 0; day < 600; ++day) (void)cache.get("s", std::to_string(20000000 + day), "local", "ecs");
  CHECK(cache.size() <= SigningKeyCache::k_max_entries);
  CHECK(cache.size() > 0);
}

}  // namespace sigv4_test
