// How the service use cases (svc/services.cpp, svc/task_sets.cpp) find a service and change its
// record beside the scheduler, which writes it too. Thread-safe as the store is.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "model/service.hpp"
#include "svc/context.hpp"

namespace berth::svc {

struct ServiceKey {
  std::string cluster;
  std::string name;
};

// Resolves the ACTIVE cluster and the service a request names: ClusterNotFoundException, or
// ServiceNotFoundException for an ARN of another kind or place.
[[nodiscard]] Result<ServiceKey> service_key_of(Context& ctx, const std::optional<std::string>& cluster,
                                                const std::string& service);

// Applies `change` to the stored service with optimistic retries (the scheduler writes too) and
// wakes the scheduler; `new_tags` are written in the same transaction. Returns the service as
// saved; `change`'s error, or ServiceNotFoundException.
[[nodiscard]] Result<model::Service> change_service(Context& ctx, const ServiceKey& key,
                                                    const std::function<Result<void>(model::Service&)>& change,
                                                    const store::ResourceTags& new_tags = {});

// ServiceNotActiveException unless `service` is ACTIVE.
[[nodiscard]] Result<void> require_active(const model::Service& service);

// Sets the running and pending counts of `service`'s deployments and task sets from its tasks as
// they are now (not from the scheduler's last pass), and when task sets were counted.
[[nodiscard]] Result<void> count_live_tasks(Context& ctx, model::Service& service);

}  // namespace berth::svc
