// Request shapes of the Secrets Manager and SSM Parameter Store actions berth serves (members as
// in the AWS API models, so the AWS CLI's requests pass). Immutable tables; thread-safe.
#pragma once

#include <string_view>

#include "model/schema.hpp"

namespace berth::model {

// The shape of Secrets Manager `action`'s request; nullptr if berth does not serve it.
const Shape* find_secrets_manager_request_shape(std::string_view action);
// The shape of SSM `action`'s request; nullptr if berth does not serve it.
const Shape* find_ssm_request_shape(std::string_view action);

}  // namespace berth::model
