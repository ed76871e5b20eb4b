// The client side of SigV4: signs a request the way botocore does for a non-S3 service, so berth
// can call another berth's API (a joined gateway's agent calling the serving gateway). Built on
// the same canonical request and key derivation the verifier uses, so both sides agree by
// construction. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::api::auth {

struct SigningCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
};

using SignedHeaderList = std::vector<std::pair<std::string, std::string>>;

// Returns the headers to send with the request: `headers` (every one of them signed), Host
// (`host_port`, as the request line's Host header will carry it), X-Amz-Date (`epoch_seconds`)
// and Authorization, for `service` ("ecs", "berth"). `path` is the request-target as the request
// line will carry it (percent-encoded), with its query if it has one.
SignedHeaderList sign_request(std::string_view method, std::string_view host_port, std::string_view path,
                              const SignedHeaderList& headers, std::string_view body,
                              const SigningCredentials& credentials, std::string_view service,
                              std::int64_t epoch_seconds);

}  // namespace berth::api::auth
