// AWS Cloud Map (servicediscovery) as berth keeps it: namespaces, services with their DNS
// records, custom instances, and the operations the asynchronous calls answer with. Plain types,
// their stored records and the checks of names that become DNS names. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// The longest TTL berth answers with: a stale answer outlives a stopped task by at most this.
inline constexpr long long k_max_discovery_ttl_s = 5;

enum class SdNamespaceType { dns_private, dns_public, http };
std::string_view to_string(SdNamespaceType type);  // "DNS_PRIVATE", "DNS_PUBLIC", "HTTP"

struct SdNamespace {
  std::string id;  // "ns-" + 16 characters
  std::string name;
  SdNamespaceType type = SdNamespaceType::dns_private;
  std::string description;
  std::string creator_request_id;
  std::string vpc;
  std::optional<long long> soa_ttl;
  std::string operation_id;  // the CREATE_NAMESPACE operation that made it
  EpochMs created_at = 0;
};

struct SdDnsRecord {
  std::string type;  // "A" or "SRV" (AAAA and CNAME are refused: berth has no IPv6 tasks)
  long long ttl = 60;
};

struct SdService {
  std::string id;  // "srv-" + 16 characters
  std::string namespace_id;
  std::string name;
  std::string description;
  std::string creator_request_id;
  std::string routing_policy = "MULTIVALUE";
  std::vector<SdDnsRecord> dns_records;  // empty for a service of an HTTP namespace
  Json health_check_custom_config;      // kept and echoed (null = none)
  EpochMs created_at = 0;
};

struct SdInstance {
  std::string id;
  std::string creator_request_id;
  std::map<std::string, std::string> attributes;
};

struct SdOperation {
  std::string id;
  std::string type;  // CREATE_NAMESPACE, DELETE_NAMESPACE, REGISTER_INSTANCE, DEREGISTER_INSTANCE
  std::map<std::string, std::string> targets;  // NAMESPACE / SERVICE / INSTANCE → id
  EpochMs created_at = 0;
};

// What berth's DNS answers for a name (svc/service_registrations.cpp decides, the DNS server
// encodes it). not_ours: no namespace of berth holds the name (forward it); no_such_name: a
// namespace holds it but nothing is registered under it (NXDOMAIN); found: these records
// (possibly none of the type asked for).
struct DnsSrv {
  int port = 0;
  std::string target;  // "<instance>.<service>.<namespace>", which resolves by A
  std::string ipv4;    // the target's address ("" = none known)
};
struct NameAnswer {
  enum class Outcome { not_ours, no_such_name, found };
  Outcome outcome = Outcome::not_ours;
  std::uint32_t ttl = 0;
  std::vector<std::string> ipv4;  // dotted quads, each once
  std::vector<DnsSrv> srv;
};

// ARNs: arn:aws:servicediscovery:<region>:<account>:namespace/<id> and service/<id>.
std::string sd_namespace_arn(const ArnScope& arns, std::string_view id);
std::string sd_service_arn(const ArnScope& arns, std::string_view id);
// The service id of a service ARN of this region and account; nothing for any other text.
std::optional<std::string> sd_service_id_of_arn(const ArnScope& arns, std::string_view arn);

// A namespace name: DNS labels of letters, digits, '-' and '_' (1 to 63 each, no leading or
// trailing '-'), 253 characters at most, an optional final '.' dropped. Returns it without the
// dot, or InvalidParameterException naming `what`.
[[nodiscard]] Result<std::string> checked_dns_name(std::string_view name, std::string_view what);
// A service name in a DNS namespace: one such label. InvalidParameterException otherwise.
[[nodiscard]] Result<void> check_dns_label(std::string_view label, std::string_view what);

// Stored forms.
Json namespace_to_record(const SdNamespace& ns);
[[nodiscard]] Result<SdNamespace> namespace_from_record(const Json& record);
Json sd_service_to_record(const SdService& service);
[[nodiscard]] Result<SdService> sd_service_from_record(const Json& record);
Json operation_to_record(const SdOperation& operation);
[[nodiscard]] Result<SdOperation> operation_from_record(const Json& record);

// Wire shapes (CreateDate as epoch seconds, as the AWS JSON protocol sends timestamps).
Json namespace_to_json(const SdNamespace& ns, const ArnScope& arns, std::size_t service_count);
Json sd_service_to_json(const SdService& service, const ArnScope& arns, std::size_t instance_count);
Json operation_to_json(const SdOperation& operation);

}  // namespace berth::model
