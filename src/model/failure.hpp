// One entry of an ECS reply's failures[]: the ARN asked for, why it failed and, for some reasons,
// details. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/schema.hpp"

namespace berth::model {

struct Failure {
  std::string arn;
  std::string reason;  // "MISSING", or a sentence
  std::string detail{};  // "" = none (the wire form leaves it out)
};

// Returns the wire form [{"arn":..,"reason":..}], with "detail" where there is one.
Json failures_to_json(const std::vector<Failure>& failures);

}  // namespace berth::model
