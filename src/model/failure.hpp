// One entry of an ECS reply's failures[]: the ARN asked for and why it failed. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/schema.hpp"

namespace berth::model {

struct Failure {
  std::string arn;
  std::string reason;  // "MISSING", or a sentence
};

// Returns the wire form [{"arn":..,"reason":..}].
Json failures_to_json(const std::vector<Failure>& failures);

}  // namespace berth::model
