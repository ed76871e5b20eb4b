// AWS's query protocol (ELBv2, and the other XML APIs): a form-encoded request body
// (Action=...&Version=...&Names.member.1=a&Targets.member.1.Id=i) read into the JSON data model
// the dispatch works on: dotted names become nested objects, ".member.N" a list (N from 1), every
// value a string. Bounded: at most 1000 parameters, lists of at most 1000, 8 levels. Pure;
// thread-safe.
#pragma once

#include <string_view>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::api {

// Returns the body's parameters as a JSON object, or ValidationError-style InvalidParameter for
// a malformed or oversized form.
[[nodiscard]] Result<model::Json> parse_query_form(std::string_view body);

}  // namespace berth::api
