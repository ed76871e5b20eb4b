#include "model/capacity_provider_shapes.hpp"

namespace berth::model::capacity_provider_shapes {
namespace {

const Shape k_string = string_shape();
const Shape k_int = integer_shape();
const Shape k_strings = list_of(k_string);
const Shape k_any = any_shape();
const Shape k_tag = structure({{"key", &k_string}, {"value", &k_string}});
const Shape k_tags = list_of(k_tag);
const Shape k_enabled = enum_shape({"ENABLED", "DISABLED"});

const Shape k_target_capacity = integer_shape(1, 100);
const Shape k_step_size = integer_shape(1, 10000);
const Shape k_warmup = integer_shape(0, 10000);
const Shape k_managed_scaling = structure({
    {"status", &k_enabled},
    {"targetCapacity", &k_target_capacity},
    {"minimumScalingStepSize", &k_step_size},
    {"maximumScalingStepSize", &k_step_size},
    {"instanceWarmupPeriod", &k_warmup},
});
const Shape k_auto_scaling_group_provider = structure({
    {"autoScalingGroupArn", &k_string, true},
    {"managedScaling", &k_managed_scaling},
    {"managedTerminationProtection", &k_enabled},
    {"managedDraining", &k_enabled},
});
const Shape k_auto_scaling_group_provider_update = structure({
    {"managedScaling", &k_managed_scaling},
    {"managedTerminationProtection", &k_enabled},
    {"managedDraining", &k_enabled},
});
const Shape k_strategy_item = structure({
    {"capacityProvider", &k_string, true},
    {"weight", &k_int},
    {"base", &k_int},
});
const Shape k_strategy = list_of(k_strategy_item);
const Shape k_field = enum_shape({"TAGS"});
const Shape k_fields = list_of(k_field);

// managedInstancesProvider is accepted by the shape so that its refusal says why.
const Shape k_create = structure({
    {"name", &k_string, true},
    {"cluster", &k_string},
    {"autoScalingGroupProvider", &k_auto_scaling_group_provider},
    {"managedInstancesProvider", &k_any},
    {"tags", &k_tags},
});
const Shape k_describe = structure({
    {"capacityProviders", &k_strings},
    {"cluster", &k_string},
    {"include", &k_fields},
    {"maxResults", &k_int},
    {"nextToken", &k_string},
});
const Shape k_update = structure({
    {"name", &k_string, true},
    {"cluster", &k_string},
    {"autoScalingGroupProvider", &k_auto_scaling_group_provider_update},
    {"managedInstancesProvider", &k_any},
});
const Shape k_delete = structure({{"capacityProvider", &k_string, true}, {"cluster", &k_string}});
const Shape k_put_cluster = structure({
    {"cluster", &k_string, true},
    {"capacityProviders", &k_strings, true},
    {"defaultCapacityProviderStrategy", &k_strategy, true},
});

}  // namespace

const Shape& create_capacity_provider = k_create;
const Shape& describe_capacity_providers = k_describe;
const Shape& update_capacity_provider = k_update;
const Shape& delete_capacity_provider = k_delete;
const Shape& put_cluster_capacity_providers = k_put_cluster;

}  // namespace berth::model::capacity_provider_shapes
