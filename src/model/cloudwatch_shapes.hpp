// Request shapes of the CloudWatch actions berth serves (members as in botocore's CloudWatch
// model, so the AWS CLI's and boto3's requests pass; required members are checked by the
// decoders, which answer MissingParameter as CloudWatch does). Immutable tables; thread-safe.
#pragma once

#include <string_view>

#include "model/schema.hpp"

namespace berth::model {

// The shape of CloudWatch `action`'s request; nullptr if berth does not serve it.
const Shape* find_cloudwatch_request_shape(std::string_view action);

}  // namespace berth::model
