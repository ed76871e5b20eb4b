// Request shapes of the ECS account settings actions (members as in the ECS API model).
// Immutable tables; thread-safe.
#pragma once

#include "model/schema.hpp"

namespace berth::model::request_shapes {
// Setting names are plain strings here, so that an unknown one gets the decoder's message that
// lists the valid names (model/account_settings.hpp).
extern const Shape& put_account_setting;
extern const Shape& put_account_setting_default;
extern const Shape& list_account_settings;
extern const Shape& delete_account_setting;
}  // namespace berth::model::request_shapes
