// The lifecycle statuses of ECS resources as enums, with their wire spellings. Pure; thread-safe.
#pragma once

#include "model/wire_enum.hpp"

namespace berth::model {

// A task's lastStatus and desiredStatus.
enum class TaskStatus { provisioning, pending, activating, running, deactivating, stopping, deprovisioning, stopped };
template <>
struct WireNames<TaskStatus> {
  static constexpr std::array<std::string_view, 8> names = {"PROVISIONING", "PENDING",  "ACTIVATING",     "RUNNING",
                                                            "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"};
};

enum class ServiceStatus { active, draining, inactive };
template <>
struct WireNames<ServiceStatus> {
  static constexpr std::array<std::string_view, 3> names = {"ACTIVE", "DRAINING", "INACTIVE"};
};

// A container instance's status (INACTIVE once deregistered).
enum class InstanceStatus { active, draining, registering, deregistering, registration_failed, inactive };
template <>
struct WireNames<InstanceStatus> {
  static constexpr std::array<std::string_view, 6> names = {"ACTIVE",        "DRAINING",            "REGISTERING",
                                                            "DEREGISTERING", "REGISTRATION_FAILED", "INACTIVE"};
};

enum class ClusterStatus { active, inactive };
template <>
struct WireNames<ClusterStatus> {
  static constexpr std::array<std::string_view, 2> names = {"ACTIVE", "INACTIVE"};
};

enum class TaskDefinitionStatus { active, inactive, delete_in_progress };
template <>
struct WireNames<TaskDefinitionStatus> {
  static constexpr std::array<std::string_view, 3> names = {"ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"};
};

// ListTaskDefinitionFamilies' status filter: a family's revisions' status, or every family.
enum class FamilyStatus { active, inactive, all };
template <>
struct WireNames<FamilyStatus> {
  static constexpr std::array<std::string_view, 3> names = {"ACTIVE", "INACTIVE", "ALL"};
};

}  // namespace berth::model
