#include "model/request_shapes.hpp"

#include "model/launch_type.hpp"
#include "model/network_mode.hpp"
#include "model/statuses.hpp"
#include "model/task_protection.hpp"

namespace berth::model {
namespace {

// Leaf shapes shared by many members.
const Shape k_string = string_shape();
const Shape k_int = integer_shape();
const Shape k_long = long_shape();
const Shape k_bool = boolean_shape();
const Shape k_number = number_shape();
const Shape k_strings = list_of(k_string);
const Shape k_ints = list_of(k_int);
const Shape k_string_map = map_of(k_string);
const Shape k_max_results = integer_shape(1, 100);
const Shape k_count = integer_shape(1, 10);
// Members berth accepts but does not interpret (awsvpc settings, EBS volumes).
const Shape k_any = any_shape();
const Shape k_any_list = list_of(k_any);

const Shape k_tag = structure({{"key", &k_string}, {"value", &k_string}});
const Shape k_tags = list_of(k_tag);
// `include: ["TAGS"]` of the Describe actions of task definitions, tasks and services.
const Shape k_tags_field = enum_shape({"TAGS"});
const Shape k_include_tags = list_of(k_tags_field);
const Shape k_key_value = structure({{"name", &k_string}, {"value", &k_string}});
const Shape k_key_values = list_of(k_key_value);
const Shape k_secret = structure({{"name", &k_string, true}, {"valueFrom", &k_string, true}});
const Shape k_secrets = list_of(k_secret);

// ContainerDefinition and its parts.
const Shape k_protocol = enum_shape({"tcp", "udp"});
const Shape k_app_protocol = enum_shape({"http", "http2", "grpc"});
const Shape k_port_mapping = structure({{"containerPort", &k_int},
                                        {"hostPort", &k_int},
                                        {"protocol", &k_protocol},
                                        {"name", &k_string},
                                        {"appProtocol", &k_app_protocol},
                                        {"containerPortRange", &k_string}});
const Shape k_port_mappings = list_of(k_port_mapping);
const Shape k_restart_policy = structure({{"enabled", &k_bool, true},
                                          {"ignoredExitCodes", &k_ints},
                                          {"restartAttemptPeriod", &k_int}});
const Shape k_environment_file_type = enum_shape({"s3"});
const Shape k_environment_file =
    structure({{"value", &k_string, true}, {"type", &k_environment_file_type, true}});
const Shape k_environment_files = list_of(k_environment_file);
const Shape k_mount_point =
    structure({{"sourceVolume", &k_string}, {"containerPath", &k_string}, {"readOnly", &k_bool}});
const Shape k_mount_points = list_of(k_mount_point);
const Shape k_volume_from = structure({{"sourceContainer", &k_string}, {"readOnly", &k_bool}});
const Shape k_volumes_from = list_of(k_volume_from);
const Shape k_capabilities = structure({{"add", &k_strings}, {"drop", &k_strings}});
const Shape k_device_permission = enum_shape({"read", "write", "mknod"});
const Shape k_device_permissions = list_of(k_device_permission);
const Shape k_device = structure({{"hostPath", &k_string, true},
                                  {"containerPath", &k_string},
                                  {"permissions", &k_device_permissions}});
const Shape k_devices = list_of(k_device);
const Shape k_tmpfs = structure(
    {{"containerPath", &k_string, true}, {"size", &k_int, true}, {"mountOptions", &k_strings}});
const Shape k_tmpfs_list = list_of(k_tmpfs);
const Shape k_linux_parameters = structure({{"capabilities", &k_capabilities},
                                            {"devices", &k_devices},
                                            {"initProcessEnabled", &k_bool},
                                            {"sharedMemorySize", &k_int},
                                            {"tmpfs", &k_tmpfs_list},
                                            {"maxSwap", &k_int},
                                            {"swappiness", &k_int}});
const Shape k_condition = enum_shape({"START", "COMPLETE", "SUCCESS", "HEALTHY"});
const Shape k_dependency =
    structure({{"containerName", &k_string, true}, {"condition", &k_condition, true}});
const Shape k_dependencies = list_of(k_dependency);
const Shape k_version_consistency = enum_shape({"enabled", "disabled"});
const Shape k_host_entry =
    structure({{"hostname", &k_string, true}, {"ipAddress", &k_string, true}});
const Shape k_host_entries = list_of(k_host_entry);
const Shape k_ulimit_name =
    enum_shape({"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile",
                "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"});
const Shape k_ulimit = structure({{"name", &k_ulimit_name, true},
                                  {"softLimit", &k_int, true},
                                  {"hardLimit", &k_int, true}});
const Shape k_ulimits = list_of(k_ulimit);
// A string, not ECS's enum: an unknown driver is refused by parse_log_configuration with a
// ClientException naming it (and Docker's `none`, outside ECS's enum, is accepted).
const Shape k_log_driver = string_shape();
const Shape k_log_configuration = structure({{"logDriver", &k_log_driver, true},
                                             {"options", &k_string_map},
                                             {"secretOptions", &k_secrets}});
const Shape k_health_check = structure({{"command", &k_strings, true},
                                        {"interval", &k_int},
                                        {"timeout", &k_int},
                                        {"retries", &k_int},
                                        {"startPeriod", &k_int}});
const Shape k_system_control = structure({{"namespace", &k_string}, {"value", &k_string}});
const Shape k_system_controls = list_of(k_system_control);
const Shape k_resource_type = enum_shape({"GPU", "InferenceAccelerator"});
const Shape k_resource_requirement =
    structure({{"value", &k_string, true}, {"type", &k_resource_type, true}});
const Shape k_resource_requirements = list_of(k_resource_requirement);
const Shape k_firelens_type = enum_shape({"fluentd", "fluentbit"});
const Shape k_firelens =
    structure({{"type", &k_firelens_type, true}, {"options", &k_string_map}});
const Shape k_repository_credentials = structure({{"credentialsParameter", &k_string, true}});

const Shape k_container_definition = structure({
    {"name", &k_string},
    {"image", &k_string},
    {"repositoryCredentials", &k_repository_credentials},
    {"cpu", &k_int},
    {"memory", &k_int},
    {"memoryReservation", &k_int},
    {"links", &k_strings},
    {"portMappings", &k_port_mappings},
    {"essential", &k_bool},
    {"restartPolicy", &k_restart_policy},
    {"entryPoint", &k_strings},
    {"command", &k_strings},
    {"environment", &k_key_values},
    {"environmentFiles", &k_environment_files},
    {"mountPoints", &k_mount_points},
    {"volumesFrom", &k_volumes_from},
    {"linuxParameters", &k_linux_parameters},
    {"secrets", &k_secrets},
    {"dependsOn", &k_dependencies},
    {"startTimeout", &k_int},
    {"stopTimeout", &k_int},
    {"versionConsistency", &k_version_consistency},
    {"hostname", &k_string},
    {"user", &k_string},
    {"workingDirectory", &k_string},
    {"disableNetworking", &k_bool},
    {"privileged", &k_bool},
    {"readonlyRootFilesystem", &k_bool},
    {"dnsServers", &k_strings},
    {"dnsSearchDomains", &k_strings},
    {"extraHosts", &k_host_entries},
    {"dockerSecurityOptions", &k_strings},
    {"interactive", &k_bool},
    {"pseudoTerminal", &k_bool},
    {"dockerLabels", &k_string_map},
    {"ulimits", &k_ulimits},
    {"logConfiguration", &k_log_configuration},
    {"healthCheck", &k_health_check},
    {"systemControls", &k_system_controls},
    {"resourceRequirements", &k_resource_requirements},
    {"firelensConfiguration", &k_firelens},
    {"credentialSpecs", &k_strings},
});
const Shape k_container_definitions = list_of(k_container_definition);

// Task-definition-level parts.
const Shape k_scope = enum_shape({"task", "shared"});
const Shape k_enabled_disabled = enum_shape({"ENABLED", "DISABLED"});
const Shape k_host_volume = structure({{"sourcePath", &k_string}});
const Shape k_docker_volume = structure({{"scope", &k_scope},
                                         {"autoprovision", &k_bool},
                                         {"driver", &k_string},
                                         {"driverOpts", &k_string_map},
                                         {"labels", &k_string_map}});
const Shape k_efs_authorization =
    structure({{"accessPointId", &k_string}, {"iam", &k_enabled_disabled}});
const Shape k_efs_volume = structure({{"fileSystemId", &k_string, true},
                                      {"rootDirectory", &k_string},
                                      {"transitEncryption", &k_enabled_disabled},
                                      {"transitEncryptionPort", &k_int},
                                      {"authorizationConfig", &k_efs_authorization}});
const Shape k_fsx_authorization =
    structure({{"credentialsParameter", &k_string, true}, {"domain", &k_string, true}});
const Shape k_fsx_volume = structure({{"fileSystemId", &k_string, true},
                                      {"rootDirectory", &k_string, true},
                                      {"authorizationConfig", &k_fsx_authorization, true}});
const Shape k_s3files_volume = structure({{"fileSystemArn", &k_string, true},
                                          {"rootDirectory", &k_string},
                                          {"transitEncryptionPort", &k_int},
                                          {"accessPointArn", &k_string}});
const Shape k_volume = structure({{"name", &k_string},
                                  {"host", &k_host_volume},
                                  {"dockerVolumeConfiguration", &k_docker_volume},
                                  {"efsVolumeConfiguration", &k_efs_volume},
                                  {"fsxWindowsFileServerVolumeConfiguration", &k_fsx_volume},
                                  {"s3filesVolumeConfiguration", &k_s3files_volume},
                                  {"configuredAtLaunch", &k_bool}});
const Shape k_volumes = list_of(k_volume);
const Shape k_task_constraint_type = enum_shape({"memberOf"});
const Shape k_task_constraint =
    structure({{"type", &k_task_constraint_type}, {"expression", &k_string}});
const Shape k_task_constraints = list_of(k_task_constraint);
const Shape k_compatibility = enum_shape({"EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"});
const Shape k_compatibilities = list_of(k_compatibility);
const Shape k_network_mode = enum_shape(wire_names<NetworkMode>());
const Shape k_pid_mode = enum_shape({"host", "task"});
const Shape k_ipc_mode = enum_shape({"host", "task", "none"});
const Shape k_proxy_type = enum_shape({"APPMESH"});
const Shape k_proxy_configuration = structure(
    {{"type", &k_proxy_type}, {"containerName", &k_string, true}, {"properties", &k_key_values}});
const Shape k_inference_accelerator =
    structure({{"deviceName", &k_string, true}, {"deviceType", &k_string, true}});
const Shape k_inference_accelerators = list_of(k_inference_accelerator);
const Shape k_ephemeral_storage = structure({{"sizeInGiB", &k_int, true}});
const Shape k_cpu_architecture = enum_shape({"X86_64", "ARM64"});
const Shape k_os_family =
    enum_shape({"LINUX", "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE",
                "WINDOWS_SERVER_2016_FULL", "WINDOWS_SERVER_2004_CORE", "WINDOWS_SERVER_2022_CORE",
                "WINDOWS_SERVER_2022_FULL", "WINDOWS_SERVER_2025_CORE", "WINDOWS_SERVER_2025_FULL",
                "WINDOWS_SERVER_20H2_CORE"});
const Shape k_runtime_platform = structure(
    {{"cpuArchitecture", &k_cpu_architecture}, {"operatingSystemFamily", &k_os_family}});

const Shape k_register_task_definition = structure({
    {"family", &k_string, true},
    {"taskRoleArn", &k_string},
    {"executionRoleArn", &k_string},
    {"networkMode", &k_network_mode},
    {"containerDefinitions", &k_container_definitions, true},
    {"volumes", &k_volumes},
    {"placementConstraints", &k_task_constraints},
    {"requiresCompatibilities", &k_compatibilities},
    {"cpu", &k_string},
    {"memory", &k_string},
    {"tags", &k_tags},
    {"pidMode", &k_pid_mode},
    {"ipcMode", &k_ipc_mode},
    {"proxyConfiguration", &k_proxy_configuration},
    {"inferenceAccelerators", &k_inference_accelerators},
    {"ephemeralStorage", &k_ephemeral_storage},
    {"runtimePlatform", &k_runtime_platform},
    {"enableFaultInjection", &k_bool},
});

// Clusters.
const Shape k_cluster_setting_name = enum_shape({"containerInsights"});
const Shape k_cluster_setting =
    structure({{"name", &k_cluster_setting_name}, {"value", &k_string}});
const Shape k_cluster_settings = list_of(k_cluster_setting);
const Shape k_capacity_provider_item = structure(
    {{"capacityProvider", &k_string, true}, {"weight", &k_int}, {"base", &k_int}});
const Shape k_capacity_provider_items = list_of(k_capacity_provider_item);
const Shape k_service_connect_defaults = structure({{"namespace", &k_string, true}});
const Shape k_create_cluster = structure({
    {"clusterName", &k_string},
    {"tags", &k_tags},
    {"settings", &k_cluster_settings},
    {"capacityProviders", &k_strings},
    {"defaultCapacityProviderStrategy", &k_capacity_provider_items},
    {"serviceConnectDefaults", &k_service_connect_defaults},
});
const Shape k_cluster_field = enum_shape({"ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"});
const Shape k_cluster_fields = list_of(k_cluster_field);
const Shape k_describe_clusters = structure(
    {{"clusters", &k_strings}, {"include", &k_cluster_fields}});
const Shape k_list_clusters = structure({{"nextToken", &k_string}, {"maxResults", &k_max_results}});
const Shape k_delete_cluster = structure({{"cluster", &k_string, true}});
const Shape k_update_cluster_settings =
    structure({{"cluster", &k_string, true}, {"settings", &k_cluster_settings, true}});
const Shape k_exec_logging = enum_shape({"NONE", "DEFAULT", "OVERRIDE"});
const Shape k_exec_log_configuration = structure({{"cloudWatchLogGroupName", &k_string},
                                                  {"cloudWatchEncryptionEnabled", &k_bool},
                                                  {"s3BucketName", &k_string},
                                                  {"s3EncryptionEnabled", &k_bool},
                                                  {"s3KeyPrefix", &k_string}});
const Shape k_exec_configuration = structure(
    {{"kmsKeyId", &k_string}, {"logging", &k_exec_logging}, {"logConfiguration", &k_exec_log_configuration}});
const Shape k_managed_storage_configuration =
    structure({{"kmsKeyId", &k_string}, {"fargateEphemeralStorageKmsKeyId", &k_string}});
const Shape k_cluster_configuration = structure({{"executeCommandConfiguration", &k_exec_configuration},
                                                 {"managedStorageConfiguration", &k_managed_storage_configuration}});
const Shape k_update_cluster = structure({{"cluster", &k_string, true},
                                          {"settings", &k_cluster_settings},
                                          {"configuration", &k_cluster_configuration},
                                          {"serviceConnectDefaults", &k_service_connect_defaults}});

// Task definitions.
const Shape k_describe_task_definition = structure(
    {{"taskDefinition", &k_string, true}, {"include", &k_include_tags}});
const Shape k_td_status = enum_shape(wire_names<TaskDefinitionStatus>());
const Shape k_sort = enum_shape({"ASC", "DESC"});
const Shape k_list_task_definitions = structure({{"familyPrefix", &k_string},
                                                 {"status", &k_td_status},
                                                 {"sort", &k_sort},
                                                 {"nextToken", &k_string},
                                                 {"maxResults", &k_max_results}});
const Shape k_family_status = enum_shape(wire_names<FamilyStatus>());
const Shape k_list_families = structure({{"familyPrefix", &k_string},
                                         {"status", &k_family_status},
                                         {"nextToken", &k_string},
                                         {"maxResults", &k_max_results}});
const Shape k_deregister_task_definition = structure({{"taskDefinition", &k_string, true}});
const Shape k_delete_task_definitions = structure({{"taskDefinitions", &k_strings, true}});

// Tags.
const Shape k_tag_resource = structure({{"resourceArn", &k_string, true}, {"tags", &k_tags, true}});
const Shape k_untag_resource =
    structure({{"resourceArn", &k_string, true}, {"tagKeys", &k_strings, true}});
const Shape k_list_tags = structure({{"resourceArn", &k_string, true}});

// Container instances (the agent's side of the API).
const Shape k_resource_kind = enum_shape({"INTEGER", "DOUBLE", "LONG", "STRINGSET"});
const Shape k_resource = structure({{"name", &k_string},
                                    {"type", &k_string},
                                    {"doubleValue", &k_number},
                                    {"longValue", &k_long},
                                    {"integerValue", &k_int},
                                    {"stringSetValue", &k_strings}});
const Shape k_resources = list_of(k_resource);
const Shape k_version_info = structure(
    {{"agentVersion", &k_string}, {"agentHash", &k_string}, {"dockerVersion", &k_string}});
const Shape k_target_type = enum_shape({"container-instance"});
const Shape k_attribute = structure({{"name", &k_string, true},
                                     {"value", &k_string},
                                     {"targetType", &k_target_type},
                                     {"targetId", &k_string}});
const Shape k_attributes = list_of(k_attribute);
const Shape k_platform_device = structure({{"id", &k_string, true}, {"type", &k_string, true}});
const Shape k_platform_devices = list_of(k_platform_device);
const Shape k_register_container_instance = structure({
    {"cluster", &k_string},
    {"instanceIdentityDocument", &k_string},
    {"instanceIdentityDocumentSignature", &k_string},
    {"totalResources", &k_resources},
    {"versionInfo", &k_version_info},
    {"containerInstanceArn", &k_string},
    {"attributes", &k_attributes},
    {"platformDevices", &k_platform_devices},
    {"tags", &k_tags},
});
const Shape k_deregister_container_instance = structure(
    {{"cluster", &k_string}, {"containerInstance", &k_string, true}, {"force", &k_bool}});
const Shape k_ci_status = enum_shape({"ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED"});  // not INACTIVE
const Shape k_list_container_instances = structure({{"cluster", &k_string},
                                                    {"filter", &k_string},
                                                    {"nextToken", &k_string},
                                                    {"maxResults", &k_max_results},
                                                    {"status", &k_ci_status}});
const Shape k_ci_field = enum_shape({"TAGS", "CONTAINER_INSTANCE_HEALTH"});
const Shape k_ci_fields = list_of(k_ci_field);
const Shape k_describe_container_instances =
    structure({{"cluster", &k_string},
               {"containerInstances", &k_strings, true},
               {"include", &k_ci_fields}});

const Shape k_ci_state = enum_shape({"ACTIVE", "DRAINING"});
const Shape k_update_ci_state = structure(
    {{"cluster", &k_string}, {"containerInstances", &k_strings, true}, {"status", &k_ci_state, true}});
const Shape k_put_attributes = structure({{"cluster", &k_string}, {"attributes", &k_attributes, true}});
const Shape k_list_attributes = structure({{"cluster", &k_string},
                                           {"targetType", &k_target_type, true},
                                           {"attributeName", &k_string},
                                           {"attributeValue", &k_string},
                                           {"nextToken", &k_string},
                                           {"maxResults", &k_max_results}});

// Tasks.
const Shape k_container_override = structure({{"name", &k_string},
                                              {"command", &k_strings},
                                              {"environment", &k_key_values},
                                              {"environmentFiles", &k_environment_files},
                                              {"cpu", &k_int},
                                              {"memory", &k_int},
                                              {"memoryReservation", &k_int},
                                              {"resourceRequirements", &k_resource_requirements}});
const Shape k_container_overrides = list_of(k_container_override);
const Shape k_task_override = structure({{"containerOverrides", &k_container_overrides},
                                         {"cpu", &k_string},
                                         {"memory", &k_string},
                                         {"taskRoleArn", &k_string},
                                         {"executionRoleArn", &k_string},
                                         {"ephemeralStorage", &k_ephemeral_storage},
                                         {"inferenceAcceleratorOverrides", &k_inference_accelerators}});
const Shape k_constraint_type = enum_shape({"distinctInstance", "memberOf"});
const Shape k_placement_constraint = structure({{"type", &k_constraint_type}, {"expression", &k_string}});
const Shape k_placement_constraints = list_of(k_placement_constraint);
const Shape k_strategy_type = enum_shape({"random", "spread", "binpack"});
const Shape k_placement_strategy = structure({{"type", &k_strategy_type}, {"field", &k_string}});
const Shape k_placement_strategies = list_of(k_placement_strategy);
const Shape k_launch_type = enum_shape(wire_names<LaunchType>());
const Shape k_propagate_tags = enum_shape({"TASK_DEFINITION", "SERVICE", "NONE"});
const Shape k_network_configuration = structure({{"awsvpcConfiguration", &k_any}});
const Shape k_run_task = structure({
    {"cluster", &k_string},
    {"taskDefinition", &k_string, true},
    {"count", &k_count},
    {"group", &k_string},
    {"startedBy", &k_string},
    {"overrides", &k_task_override},
    {"placementConstraints", &k_placement_constraints},
    {"placementStrategy", &k_placement_strategies},
    {"launchType", &k_launch_type},
    {"capacityProviderStrategy", &k_capacity_provider_items},
    {"networkConfiguration", &k_network_configuration},
    {"tags", &k_tags},
    {"enableECSManagedTags", &k_bool},
    {"enableExecuteCommand", &k_bool},
    {"propagateTags", &k_propagate_tags},
    {"referenceId", &k_string},
    {"platformVersion", &k_string},
    {"clientToken", &k_string},
    {"volumeConfigurations", &k_any_list},
});
const Shape k_start_task = structure({
    {"cluster", &k_string},
    {"taskDefinition", &k_string, true},
    {"containerInstances", &k_strings, true},
    {"group", &k_string},
    {"startedBy", &k_string},
    {"overrides", &k_task_override},
    {"networkConfiguration", &k_network_configuration},
    {"tags", &k_tags},
    {"enableECSManagedTags", &k_bool},
    {"enableExecuteCommand", &k_bool},
    {"propagateTags", &k_propagate_tags},
    {"referenceId", &k_string},
    {"volumeConfigurations", &k_any_list},
});
const Shape k_stop_task = structure({{"cluster", &k_string}, {"task", &k_string, true}, {"reason", &k_string}});
const Shape k_describe_tasks =
    structure({{"cluster", &k_string}, {"tasks", &k_strings, true}, {"include", &k_include_tags}});
// Task scale-in protection.
const Shape k_protection_minutes = integer_shape(k_min_protection_minutes, k_max_protection_minutes);
const Shape k_update_task_protection = structure({{"cluster", &k_string, true},
                                                 {"tasks", &k_strings, true},
                                                 {"protectionEnabled", &k_bool, true},
                                                 {"expiresInMinutes", &k_protection_minutes}});
const Shape k_get_task_protection = structure({{"cluster", &k_string, true}, {"tasks", &k_strings}});
const Shape k_desired_status = enum_shape({"RUNNING", "PENDING", "STOPPED"});  // the TaskStatus values ListTasks filters by
const Shape k_list_tasks = structure({{"cluster", &k_string},
                                      {"containerInstance", &k_string},
                                      {"family", &k_string},
                                      {"nextToken", &k_string},
                                      {"maxResults", &k_max_results},
                                      {"startedBy", &k_string},
                                      {"serviceName", &k_string},
                                      {"desiredStatus", &k_desired_status},
                                      {"launchType", &k_launch_type}});

// Services.
const Shape k_circuit_breaker = structure({{"enable", &k_bool, true}, {"rollback", &k_bool, true}});
const Shape k_deployment_configuration = structure({{"deploymentCircuitBreaker", &k_circuit_breaker},
                                                    {"maximumPercent", &k_int},
                                                    {"minimumHealthyPercent", &k_int},
                                                    {"alarms", &k_any},
                                                    {"strategy", &k_any},
                                                    {"bakeTimeInMinutes", &k_int},
                                                    {"lifecycleHooks", &k_any}});
const Shape k_scheduling_strategy = enum_shape({"REPLICA", "DAEMON"});
const Shape k_controller_type = enum_shape({"ECS", "CODE_DEPLOY", "EXTERNAL"});
const Shape k_deployment_controller = structure({{"type", &k_controller_type, true}});
const Shape k_service_propagate_tags = enum_shape({"TASK_DEFINITION", "SERVICE", "NONE"});
const Shape k_create_service = structure({
    {"cluster", &k_string},
    {"serviceName", &k_string, true},
    {"taskDefinition", &k_string},
    {"availabilityZoneRebalancing", &k_string},
    {"loadBalancers", &k_any_list},
    {"serviceRegistries", &k_any_list},
    {"desiredCount", &k_int},
    {"clientToken", &k_string},
    {"launchType", &k_launch_type},
    {"capacityProviderStrategy", &k_capacity_provider_items},
    {"platformVersion", &k_string},
    {"role", &k_string},
    {"deploymentConfiguration", &k_deployment_configuration},
    {"placementConstraints", &k_placement_constraints},
    {"placementStrategy", &k_placement_strategies},
    {"networkConfiguration", &k_network_configuration},
    {"healthCheckGracePeriodSeconds", &k_int},
    {"schedulingStrategy", &k_scheduling_strategy},
    {"deploymentController", &k_deployment_controller},
    {"tags", &k_tags},
    {"enableECSManagedTags", &k_bool},
    {"propagateTags", &k_service_propagate_tags},
    {"enableExecuteCommand", &k_bool},
    {"serviceConnectConfiguration", &k_any},
    {"volumeConfigurations", &k_any_list},
    {"vpcLatticeConfigurations", &k_any_list},
});
const Shape k_update_service = structure({
    {"cluster", &k_string},
    {"service", &k_string, true},
    {"desiredCount", &k_int},
    {"taskDefinition", &k_string},
    {"capacityProviderStrategy", &k_capacity_provider_items},
    {"deploymentConfiguration", &k_deployment_configuration},
    {"availabilityZoneRebalancing", &k_string},
    {"networkConfiguration", &k_network_configuration},
    {"placementConstraints", &k_placement_constraints},
    {"placementStrategy", &k_placement_strategies},
    {"platformVersion", &k_string},
    {"forceNewDeployment", &k_bool},
    {"healthCheckGracePeriodSeconds", &k_int},
    {"deploymentController", &k_deployment_controller},
    {"enableExecuteCommand", &k_bool},
    {"enableECSManagedTags", &k_bool},
    {"loadBalancers", &k_any_list},
    {"propagateTags", &k_service_propagate_tags},
    {"serviceRegistries", &k_any_list},
    {"serviceConnectConfiguration", &k_any},
    {"volumeConfigurations", &k_any_list},
    {"vpcLatticeConfigurations", &k_any_list},
});
const Shape k_delete_service = structure({{"cluster", &k_string}, {"service", &k_string, true}, {"force", &k_bool}});
const Shape k_describe_services =
    structure({{"cluster", &k_string}, {"services", &k_strings, true}, {"include", &k_include_tags}});
const Shape k_list_services = structure({{"cluster", &k_string},
                                         {"nextToken", &k_string},
                                         {"maxResults", &k_max_results},
                                         {"launchType", &k_launch_type},
                                         {"schedulingStrategy", &k_scheduling_strategy},
                                         {"resourceManagementType", &k_string}});

}  // namespace

const Shape& container_definition_shape() { return k_container_definition; }

namespace request_shapes {
const Shape& create_cluster = k_create_cluster;
const Shape& describe_clusters = k_describe_clusters;
const Shape& list_clusters = k_list_clusters;
const Shape& delete_cluster = k_delete_cluster;
const Shape& update_cluster = k_update_cluster;
const Shape& update_cluster_settings = k_update_cluster_settings;
const Shape& register_task_definition = k_register_task_definition;
const Shape& describe_task_definition = k_describe_task_definition;
const Shape& list_task_definitions = k_list_task_definitions;
const Shape& list_task_definition_families = k_list_families;
const Shape& deregister_task_definition = k_deregister_task_definition;
const Shape& delete_task_definitions = k_delete_task_definitions;
const Shape& tag_resource = k_tag_resource;
const Shape& untag_resource = k_untag_resource;
const Shape& list_tags_for_resource = k_list_tags;
const Shape& register_container_instance = k_register_container_instance;
const Shape& deregister_container_instance = k_deregister_container_instance;
const Shape& list_container_instances = k_list_container_instances;
const Shape& describe_container_instances = k_describe_container_instances;
const Shape& update_container_instances_state = k_update_ci_state;
const Shape& put_attributes = k_put_attributes;
const Shape& delete_attributes = k_put_attributes;
const Shape& list_attributes = k_list_attributes;
const Shape& run_task = k_run_task;
const Shape& start_task = k_start_task;
const Shape& stop_task = k_stop_task;
const Shape& describe_tasks = k_describe_tasks;
const Shape& list_tasks = k_list_tasks;
const Shape& update_task_protection = k_update_task_protection;
const Shape& get_task_protection = k_get_task_protection;
const Shape& create_service = k_create_service;
const Shape& update_service = k_update_service;
const Shape& delete_service = k_delete_service;
const Shape& describe_services = k_describe_services;
const Shape& list_services = k_list_services;
}  // namespace request_shapes

}  // namespace berth::model
