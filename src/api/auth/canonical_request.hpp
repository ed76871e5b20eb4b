// The SigV4 canonical request, built from a request exactly as it arrived, the way botocore, the
// aws CLI and the AWS SDK for JavaScript v3 build it when they sign for a non-S3 service
// (ecs, scheduler, ssm, secretsmanager, ...). Pure functions; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ascii.hpp"

namespace berth::api::auth {

// One header line as received: any letter case, repeats allowed, in arrival order.
using HeaderField = std::pair<std::string_view, std::string_view>;

// One query parameter, percent-decoded.
struct QueryParam {
  std::string name;
  std::string value;
};

// Returns `bytes` with every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - _ . ~)
// written as %XX (upper-case hex); with Slash::keep, '/' stays as it is (paths).
enum class Slash { encode, keep };
std::string uri_encode(std::string_view bytes, Slash slash);

// Returns the canonical URI of a path as it appears on the request line (still percent-encoded):
// dot segments and empty segments removed (RFC 3986 §5.2.4, as AWS requires for every service
// but S3), then URI-encoded once more with '/' kept, so "%20" becomes "%2520" as the signers
// produce. An empty path is "/".
std::string canonical_uri(std::string_view raw_path);

// Returns the parameters of a raw query string ("a=1&b=%2F"), decoded, in order; empty
// segments ("a=1&&b") are skipped; a segment without '=' has an empty value.
std::vector<QueryParam> parse_query(std::string_view raw_query);

// Returns the canonical query string: each name and value URI-encoded, sorted by name then
// value (byte order), joined with '&'. Parameters named `skip` (the presigned X-Amz-Signature)
// are left out.
std::string canonical_query(std::span<const QueryParam> params, std::string_view skip = {});

// Returns a header value trimmed, each run of white space inside made one space (covers values
// folded over several lines).
std::string trim_all(std::string_view value);

// Returns the canonical header block, one "name:value\n" per signed name in the order given:
// every received header of that name (case-insensitive) trimmed and joined with ',' in arrival
// order. Precondition: `signed_names` are lower-case.
std::string canonical_headers(std::span<const HeaderField> headers, std::span<const std::string> signed_names);

// Returns the canonical request: method, canonical URI, canonical query, canonical headers,
// signed-header list and payload hash, separated by '\n'.
std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, std::string_view canonical_headers,
                              std::string_view signed_headers, std::string_view payload_hash);

}  // namespace berth::api::auth
