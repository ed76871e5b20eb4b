// Actions of an AWS API that a gateway cannot serve and refuses on purpose: they are rows of the
// action table like any other (so authorization and the audit log see them), and their use case
// answers with the ECS-shaped error and the reason, never UnknownOperationException, which a
// tool reads as "this endpoint is not ECS".
#pragma once

#include <string_view>

#include "api/typed_use_case.hpp"
#include "model/schema.hpp"

namespace berth::api {

struct Refusal {
  Code code;
  std::string_view message;  // says why a gateway cannot do it, and what to do instead if anything
};

// A use case that refuses every request with `refusal`.
template <const Refusal& refusal>
Result<model::Json> refused_use_case(svc::Context&, const model::Json&) {
  return fail(refusal.code, std::string(refusal.message));
}

// The body shape of a refused action: anything, since the body is never read.
const model::Shape& refused_action_shape();

}  // namespace berth::api
