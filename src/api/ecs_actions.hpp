// The ECS actions berth serves: one row per action of {name, request shape, use case, resources},
// where the use case binds the action's decoder, svc handler and encoder
// (api/typed_use_case.hpp) and the resources are what authorization evaluates policies against.
// The one place to add an action: dispatch and authorization both read it. Immutable after its
// first use; thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "api/auth/resource_mapper.hpp"
#include "api/typed_use_case.hpp"
#include "model/schema.hpp"

namespace berth::api {

struct EcsAction {
  std::string_view name;       // "CreateCluster"
  const model::Shape* shape;   // what the body is checked against before anything else
  UseCase run;                 // decode → handle → encode
  auth::ResourcesOf resources; // the ARNs a policy must allow for it (api/auth/request_resources.hpp)
};

// Returns every action, sorted by name.
std::span<const EcsAction> ecs_actions();

// Returns the action named `name`, or nullptr if berth does not serve it.
const EcsAction* find_ecs_action(std::string_view name);

}  // namespace berth::api
