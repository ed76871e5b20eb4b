// An access key read from a file in the AWS shared-credentials format (what `berth key create`
// prints and a berth's first start writes to DATA-DIR/credentials): the first profile holding
// aws_access_key_id and aws_secret_access_key, with its region if it names one. For keys berth
// uses as a client (BERTH_LOGS_FORWARD_KEY_FILE). Pure parsing over one file read; thread-safe.
#pragma once

#include <string>

#include "api/auth/sigv4_signer.hpp"
#include "common/result.hpp"

namespace berth::cli {

// Parses `text`; `region` is used when the profile names none. InvalidParameterException naming
// `what` when no profile holds both keys, or a value is empty, too long or not printable ASCII.
[[nodiscard]] Result<api::auth::SigningCredentials> parse_shared_credentials(const std::string& text, const std::string& what,
                                                                             const std::string& region);

// Reads the file at `path` (at most 64 KiB) and parses it.
[[nodiscard]] Result<api::auth::SigningCredentials> read_shared_credentials(const std::string& path, const std::string& region);

}  // namespace berth::cli
