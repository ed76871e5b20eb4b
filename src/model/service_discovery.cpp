#include "model/service_discovery.hpp"

#include <algorithm>
#include <exception>

namespace berth::model {
namespace {

std::string arn_prefix(const ArnScope& arns) { return "arn:aws:servicediscovery:" + arns.region + ":" + arns.account + ":"; }

bool label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

Json string_map(const std::map<std::string, std::string>& map) {
  Json out = Json::object();
  for (const auto& [key, value] : map) out[key] = value;
  return out;
}

std::map<std::string, std::string> map_of_strings(const Json& json) {
  std::map<std::string, std::string> out;
  if (!json.is_object()) return out;
  for (const auto& [key, value] : json.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

// Records are berth's own writing; a damaged one is a ServerException, never a throw.
template <class T, class Read>
Result<T> read_record(const Json& record, std::string_view what, Read read) {
  try {
    return read(record);
  } catch (const std::exception& e) {
    return fail(Code::server, "a stored Cloud Map " + std::string(what) + " is damaged: " + e.what());
  }
}

double seconds_of(EpochMs ms) { return static_cast<double>(ms) / 1000.0; }

Json dns_config_json(const SdService& service) {
  Json records = Json::array();
  for (const auto& record : service.dns_records) records.push_back({{"Type", record.type}, {"TTL", record.ttl}});
  return {{"NamespaceId", service.namespace_id}, {"RoutingPolicy", service.routing_policy}, {"DnsRecords", records}};
}

}  // namespace

std::string_view to_string(SdNamespaceType type) {
  switch (type) {
    case SdNamespaceType::dns_private: return "DNS_PRIVATE";
    case SdNamespaceType::dns_public: return "DNS_PUBLIC";
    case SdNamespaceType::http: return "HTTP";
  }
  return "HTTP";
}

std::string sd_namespace_arn(const ArnScope& arns, std::string_view id) {
  return arn_prefix(arns) + "namespace/" + std::string(id);
}

std::string sd_service_arn(const ArnScope& arns, std::string_view id) { return arn_prefix(arns) + "service/" + std::string(id); }

std::optional<std::string> sd_service_id_of_arn(const ArnScope& arns, std::string_view arn) {
  const std::string prefix = arn_prefix(arns) + "service/";
  if (!arn.starts_with(prefix) || arn.size() == prefix.size()) return std::nullopt;
  return std::string(arn.substr(prefix.size()));
}

Result<void> check_dns_label(std::string_view label, std::string_view what) {
  const bool ok = !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
                  std::ranges::all_of(label, label_char);
  if (ok) return {};
  return fail(Code::invalid_parameter, std::string(what) + " '" + std::string(label) +
                                           "' is not a DNS label: 1 to 63 letters, digits, '-' or '_', not "
                                           "starting or ending with '-'.");
}

Result<std::string> checked_dns_name(std::string_view name, std::string_view what) {
  if (name.ends_with('.')) name.remove_suffix(1);
  if (name.empty() || name.size() > 253) {
    return fail(Code::invalid_parameter, std::string(what) + " must be 1 to 253 characters long.");
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = std::min(name.find('.', start), name.size());
    BERTH_TRY(check_dns_label(name.substr(start, dot - start), std::string(what) + " label"));
    start = dot + 1;
  }
  return std::string(name);
}

Json namespace_to_record(const SdNamespace& ns) {
  Json out{{"id", ns.id},
           {"name", ns.name},
           {"type", std::string(to_string(ns.type))},
           {"description", ns.description},
           {"creatorRequestId", ns.creator_request_id},
           {"vpc", ns.vpc},
           {"operationId", ns.operation_id},
           {"createdAt", ns.created_at}};
  if (ns.soa_ttl) out["soaTtl"] = *ns.soa_ttl;
  return out;
}

Result<SdNamespace> namespace_from_record(const Json& r) {
  return read_record<SdNamespace>(r, "namespace", [](const Json& r) {
    SdNamespace ns;
    ns.id = r.at("id").get<std::string>();
    ns.name = r.at("name").get<std::string>();
    const std::string type = r.at("type").get<std::string>();
    ns.type = type == "HTTP" ? SdNamespaceType::http
              : type == "DNS_PUBLIC" ? SdNamespaceType::dns_public
                                     : SdNamespaceType::dns_private;
    ns.description = r.value("description", "");
    ns.creator_request_id = r.value("creatorRequestId", "");
    ns.vpc = r.value("vpc", "");
    ns.operation_id = r.value("operationId", "");
    if (r.contains("soaTtl")) ns.soa_ttl = r.at("soaTtl").get<long long>();
    ns.created_at = r.at("createdAt").get<EpochMs>();
    return ns;
  });
}

Json sd_service_to_record(const SdService& s) {
  Json records = Json::array();
  for (const auto& record : s.dns_records) records.push_back({{"type", record.type}, {"ttl", record.ttl}});
  return {{"id", s.id},
          {"namespaceId", s.namespace_id},
          {"name", s.name},
          {"description", s.description},
          {"creatorRequestId", s.creator_request_id},
          {"routingPolicy", s.routing_policy},
          {"dnsRecords", records},
          {"healthCheckCustomConfig", s.health_check_custom_config},
          {"createdAt", s.created_at}};
}

Result<SdService> sd_service_from_record(const Json& r) {
  return read_record<SdService>(r, "service", [](const Json& r) {
    SdService s;
    s.id = r.at("id").get<std::string>();
    s.namespace_id = r.at("namespaceId").get<std::string>();
    s.name = r.at("name").get<std::string>();
    s.description = r.value("description", "");
    s.creator_request_id = r.value("creatorRequestId", "");
    s.routing_policy = r.value("routingPolicy", "MULTIVALUE");
    for (const auto& record : r.value("dnsRecords", Json::array())) {
      s.dns_records.push_back({record.at("type").get<std::string>(), record.at("ttl").get<long long>()});
    }
    s.health_check_custom_config = r.value("healthCheckCustomConfig", Json());
    s.created_at = r.at("createdAt").get<EpochMs>();
    return s;
  });
}

Json operation_to_record(const SdOperation& o) {
  return {{"id", o.id}, {"type", o.type}, {"targets", string_map(o.targets)}, {"createdAt", o.created_at}};
}

Result<SdOperation> operation_from_record(const Json& r) {
  return read_record<SdOperation>(r, "operation", [](const Json& r) {
    SdOperation o;
    o.id = r.at("id").get<std::string>();
    o.type = r.at("type").get<std::string>();
    o.targets = map_of_strings(r.value("targets", Json::object()));
    o.created_at = r.at("createdAt").get<EpochMs>();
    return o;
  });
}

Json namespace_to_json(const SdNamespace& ns, const ArnScope& arns, std::size_t service_count) {
  Json properties = Json::object();
  if (ns.type == SdNamespaceType::http) {
    properties["HttpProperties"] = {{"HttpName", ns.name}};
  } else {
    // berth is its own DNS: the "hosted zone" is the namespace itself.
    Json dns{{"HostedZoneId", "berth-" + ns.id}};
    if (ns.soa_ttl) dns["SOA"] = {{"TTL", *ns.soa_ttl}};
    properties["DnsProperties"] = dns;
    properties["HttpProperties"] = {{"HttpName", ns.name}};
  }
  Json out{{"Id", ns.id},
           {"Arn", sd_namespace_arn(arns, ns.id)},
           {"Name", ns.name},
           {"Type", std::string(to_string(ns.type))},
           {"ServiceCount", service_count},
           {"Properties", properties},
           {"CreateDate", seconds_of(ns.created_at)}};
  if (!ns.description.empty()) out["Description"] = ns.description;
  if (!ns.creator_request_id.empty()) out["CreatorRequestId"] = ns.creator_request_id;
  return out;
}

Json sd_service_to_json(const SdService& s, const ArnScope& arns, std::size_t instance_count) {
  Json out{{"Id", s.id},
           {"Arn", sd_service_arn(arns, s.id)},
           {"Name", s.name},
           {"NamespaceId", s.namespace_id},
           {"InstanceCount", instance_count},
           {"Type", s.dns_records.empty() ? "HTTP" : "DNS_HTTP"},
           {"CreateDate", seconds_of(s.created_at)}};
  if (!s.dns_records.empty()) out["DnsConfig"] = dns_config_json(s);
  if (!s.health_check_custom_config.is_null()) out["HealthCheckCustomConfig"] = s.health_check_custom_config;
  if (!s.description.empty()) out["Description"] = s.description;
  if (!s.creator_request_id.empty()) out["CreatorRequestId"] = s.creator_request_id;
  return out;
}

Json operation_to_json(const SdOperation& o) {
  // berth applies every change before it answers: an operation has succeeded once it exists.
  return {{"Id", o.id},
          {"Type", o.type},
          {"Status", "SUCCESS"},
          {"CreateDate", seconds_of(o.created_at)},
          {"UpdateDate", seconds_of(o.created_at)},
          {"Targets", string_map(o.targets)}};
}

}  // namespace berth::model
