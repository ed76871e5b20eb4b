#include "model/agent_shapes.hpp"

namespace berth::model::request_shapes {
namespace {

const Shape k_string = string_shape();
const Shape k_int = integer_shape();
const Shape k_timestamp = timestamp_shape();
const Shape k_protocol = enum_shape({"tcp", "udp"});

const Shape k_network_binding = structure({{"bindIP", &k_string},
                                           {"containerPort", &k_int},
                                           {"hostPort", &k_int},
                                           {"protocol", &k_protocol},
                                           {"containerPortRange", &k_string},
                                           {"hostPortRange", &k_string}});
const Shape k_network_bindings = list_of(k_network_binding);
const Shape k_container_change = structure({{"containerName", &k_string},
                                            {"imageDigest", &k_string},
                                            {"runtimeId", &k_string},
                                            {"exitCode", &k_int},
                                            {"networkBindings", &k_network_bindings},
                                            {"reason", &k_string},
                                            {"status", &k_string}});
const Shape k_container_changes = list_of(k_container_change);
const Shape k_attachment_change = structure({{"attachmentArn", &k_string, true}, {"status", &k_string, true}});
const Shape k_attachment_changes = list_of(k_attachment_change);
// Managed agents (ECS Exec's) do not run on a gateway; their reports are accepted and not kept.
const Shape k_managed_agent_name = enum_shape({"ExecuteCommandAgent"});
const Shape k_managed_agent_change = structure({{"containerName", &k_string, true},
                                                {"managedAgentName", &k_managed_agent_name, true},
                                                {"status", &k_string, true},
                                                {"reason", &k_string}});
const Shape k_managed_agent_changes = list_of(k_managed_agent_change);

const Shape k_discover = structure({{"containerInstance", &k_string}, {"cluster", &k_string}});
const Shape k_task_change = structure({{"cluster", &k_string},
                                       {"task", &k_string},
                                       {"status", &k_string},
                                       {"reason", &k_string},
                                       {"containers", &k_container_changes},
                                       {"attachments", &k_attachment_changes},
                                       {"managedAgents", &k_managed_agent_changes},
                                       {"pullStartedAt", &k_timestamp},
                                       {"pullStoppedAt", &k_timestamp},
                                       {"executionStoppedAt", &k_timestamp}});
const Shape k_container_state_change = structure({{"cluster", &k_string},
                                                  {"task", &k_string},
                                                  {"containerName", &k_string},
                                                  {"runtimeId", &k_string},
                                                  {"status", &k_string},
                                                  {"exitCode", &k_int},
                                                  {"reason", &k_string},
                                                  {"networkBindings", &k_network_bindings}});
const Shape k_attachment_state_changes =
    structure({{"cluster", &k_string}, {"attachments", &k_attachment_changes, true}});

}  // namespace

const Shape& discover_poll_endpoint = k_discover;
const Shape& submit_task_state_change = k_task_change;
const Shape& submit_container_state_change = k_container_state_change;
const Shape& submit_attachment_state_changes = k_attachment_state_changes;

}  // namespace berth::model::request_shapes
