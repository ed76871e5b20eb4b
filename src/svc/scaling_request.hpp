// What every Application Auto Scaling request shares: berth scales ECS services only, so the
// namespace, the dimension and the ResourceId's form are checked once here, with
// ValidationExceptions that say why. Internal to svc's scaling use cases. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/scaling.hpp"
#include "svc/context.hpp"

namespace berth::svc::scaling {

// ValidationException unless ServiceNamespace is "ecs" and ScalableDimension (when given, or
// when `dimension_required`) is "ecs:service:DesiredCount".
[[nodiscard]] Result<void> check_namespace(const Json& request, bool dimension_required);

// The request's ResourceId after check_namespace, refused unless it reads service/<c>/<s>.
[[nodiscard]] Result<std::string> checked_resource_id(const Json& request, bool dimension_required = true);

// The optional ResourceId filter of a Describe* request (checked the same way).
[[nodiscard]] Result<std::optional<std::string>> resource_filter(const Json& request);

// The registered target, or ObjectNotFoundException as Application Auto Scaling words it.
[[nodiscard]] Result<model::ScalableTarget> require_target(Context& ctx, const std::string& resource_id);

// MaxResults (default and most 50).
std::size_t max_results(const Json& request);

// A Describe* reply: `rows` (read with one more than `limit`, to know whether more exist) cut to
// `limit` and encoded under `list_name`, with NextToken the last row's key when more exist.
template <class Row, class Encode, class KeyOf>
Json page_reply(std::vector<Row> rows, std::size_t limit, const char* list_name, Encode encode, KeyOf key_of) {
  const bool more = rows.size() > limit;
  if (more) rows.resize(limit);
  Json reply{{list_name, Json::array()}};
  for (const auto& row : rows) reply[list_name].push_back(encode(row));
  if (more) reply["NextToken"] = key_of(rows.back());
  return reply;
}

}  // namespace berth::svc::scaling
