// Request shapes of the Cloud Map (servicediscovery, Route53AutoNaming_v20170314.*) actions berth
// serves; members as in the AWS API model, so the AWS CLI's requests pass. Immutable tables;
// thread-safe.
#pragma once

#include <string_view>

#include "model/schema.hpp"

namespace berth::model {

// The shape of Cloud Map `action`'s request; nullptr if berth does not serve it.
const Shape* find_service_discovery_request_shape(std::string_view action);

}  // namespace berth::model
