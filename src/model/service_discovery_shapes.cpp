#include "model/service_discovery_shapes.hpp"

#include <map>
#include <string>

namespace berth::model {
namespace {

const Shape k_string = string_shape();
const Shape k_long = long_shape();
const Shape k_strings = list_of(k_string);
const Shape k_attributes = map_of(k_string);
const Shape k_page = integer_shape(1, 100);
const Shape k_tag = structure({{"Key", &k_string, true}, {"Value", &k_string, true}});
const Shape k_tags = list_of(k_tag);
const Shape k_soa = structure({{"TTL", &k_long, true}});
const Shape k_dns_properties = structure({{"SOA", &k_soa, true}});
const Shape k_private_properties = structure({{"DnsProperties", &k_dns_properties, true}});
const Shape k_record_type = enum_shape({"SRV", "A", "AAAA", "CNAME"});
const Shape k_record = structure({{"Type", &k_record_type, true}, {"TTL", &k_long, true}});
const Shape k_records = list_of(k_record);
const Shape k_routing = enum_shape({"MULTIVALUE", "WEIGHTED"});
const Shape k_dns_config =
    structure({{"NamespaceId", &k_string}, {"RoutingPolicy", &k_routing}, {"DnsRecords", &k_records, true}});
const Shape k_health_check = structure({{"Type", &k_string, true}, {"ResourcePath", &k_string}, {"FailureThreshold", &k_long}});
const Shape k_custom_health = structure({{"FailureThreshold", &k_long}});
const Shape k_condition = enum_shape({"EQ", "IN", "BETWEEN", "BEGINS_WITH"});
const Shape k_filter =
    structure({{"Name", &k_string, true}, {"Values", &k_strings, true}, {"Condition", &k_condition}});
const Shape k_filters = list_of(k_filter);
const Shape k_health_filter = enum_shape({"HEALTHY", "UNHEALTHY", "ALL", "HEALTHY_OR_ELSE_ALL"});

const Shape k_create_private = structure({{"Name", &k_string, true},
                                          {"CreatorRequestId", &k_string},
                                          {"Description", &k_string},
                                          {"Vpc", &k_string, true},
                                          {"Tags", &k_tags},
                                          {"Properties", &k_private_properties}});
const Shape k_create_http = structure(
    {{"Name", &k_string, true}, {"CreatorRequestId", &k_string}, {"Description", &k_string}, {"Tags", &k_tags}});
const Shape k_id = structure({{"Id", &k_string, true}});
const Shape k_operation = structure({{"OperationId", &k_string, true}});
const Shape k_list = structure({{"NextToken", &k_string}, {"MaxResults", &k_page}, {"Filters", &k_filters}});
const Shape k_create_service = structure({{"Name", &k_string, true},
                                          {"NamespaceId", &k_string},
                                          {"CreatorRequestId", &k_string},
                                          {"Description", &k_string},
                                          {"DnsConfig", &k_dns_config},
                                          {"HealthCheckConfig", &k_health_check},
                                          {"HealthCheckCustomConfig", &k_custom_health},
                                          {"Tags", &k_tags},
                                          {"Type", &k_string}});
const Shape k_register = structure({{"ServiceId", &k_string, true},
                                    {"InstanceId", &k_string, true},
                                    {"CreatorRequestId", &k_string},
                                    {"Attributes", &k_attributes, true}});
const Shape k_instance = structure({{"ServiceId", &k_string, true}, {"InstanceId", &k_string, true}});
const Shape k_list_instances =
    structure({{"ServiceId", &k_string, true}, {"NextToken", &k_string}, {"MaxResults", &k_page}});
const Shape k_discover = structure({{"NamespaceName", &k_string, true},
                                    {"ServiceName", &k_string, true},
                                    {"MaxResults", &k_page},
                                    {"QueryParameters", &k_attributes},
                                    {"OptionalParameters", &k_attributes},
                                    {"HealthStatus", &k_health_filter},
                                    {"OwnerAccount", &k_string}});

}  // namespace

const Shape* find_service_discovery_request_shape(std::string_view action) {
  static const std::map<std::string, const Shape*, std::less<>> k_shapes = {
      {"CreatePrivateDnsNamespace", &k_create_private},
      {"CreateHttpNamespace", &k_create_http},
      {"GetNamespace", &k_id},
      {"ListNamespaces", &k_list},
      {"DeleteNamespace", &k_id},
      {"GetOperation", &k_operation},
      {"CreateService", &k_create_service},
      {"GetService", &k_id},
      {"ListServices", &k_list},
      {"DeleteService", &k_id},
      {"RegisterInstance", &k_register},
      {"DeregisterInstance", &k_instance},
      {"GetInstance", &k_instance},
      {"ListInstances", &k_list_instances},
      {"DiscoverInstances", &k_discover},
  };
  const auto it = k_shapes.find(action);
  return it == k_shapes.end() ? nullptr : it->second;
}

}  // namespace berth::model
