// Base64 (RFC 4648, standard alphabet with padding). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth {

std::string base64_encode(std::string_view bytes);

// Returns the decoded bytes, or nothing if `text` is not canonical base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace berth
