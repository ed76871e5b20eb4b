// Docker's `tag` log option: a Go template whose actions name the container ({{.ID}},
// {{.FullID}}, {{.Name}}), its image ({{.ImageID}}, {{.ImageFullID}}, {{.ImageName}}), the daemon
// ({{.DaemonName}}) or an extra attribute the labels/env options picked
// ({{(.ExtraAttributes nil).KEY}}), spaces inside the braces allowed. berth takes those actions
// and no other template syntax. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::model {

struct LogTagFields {
  std::string full_id;     // the runtime id; {{.ID}} is its first 12 characters
  std::string name;        // the container's name
  std::string image_name;  // the container definition's image
  std::string image_id = {};  // "sha256:<hex>"; {{.ImageID}} is the first 12 hex digits
  // The extra attributes (model/log_attributes.hpp, keys as named) {{(.ExtraAttributes nil).KEY}} reads.
  std::map<std::string, std::string> attributes = {};
};

// ClientException naming the action when `tag` holds one berth does not know, or an unclosed
// "{{" (checked at registration).
[[nodiscard]] Result<void> check_log_tag(std::string_view tag);
// Returns `tag` with its actions replaced; "" = Docker's default, {{.ID}}. An attribute that is
// not there reads "<no value>", as Go's template prints a missing map key.
std::string expand_log_tag(std::string_view tag, const LogTagFields& fields);

}  // namespace berth::model
