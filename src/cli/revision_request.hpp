// The RegisterTaskDefinition request for a service's next revision (`berth deploy`): its current
// definition as DescribeTaskDefinition returned it, without the members ECS sets itself, with a
// new image when one is given. Pure; thread-safe.
#pragma once

#include <string>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// `described` is DescribeTaskDefinition's reply (taskDefinition and tags). `image` replaces the
// image of container `container`, or of the only container (or the only essential one) when
// `container` is empty; nothing changes with an empty `image`. InvalidParameter when the
// container is not there or cannot be told.
[[nodiscard]] Result<model::Json> next_revision_request(const model::Json& described, const std::string& image,
                                                        const std::string& container);

}  // namespace berth::cli
