// `berth describe`'s human view of an API object: its members as indented "name: value" lines,
// lists as "- " items, timestamps (members named *At or *Date, epoch seconds) as UTC times with
// their age. Pure; thread-safe.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// Returns `value` as text at time `now`; nested levels indented by two spaces, depth bounded
// (what lies deeper than 32 levels is shown as its JSON).
std::string format_json_text(const model::Json& value, EpochMs now);

}  // namespace berth::cli
