#include "api/refused_action.hpp"

namespace berth::api {

const model::Shape& refused_action_shape() {
  static const model::Shape k_shape = model::any_shape();
  return k_shape;
}

}  // namespace berth::api
