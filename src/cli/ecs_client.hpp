// The ECS API of a berth as the operator verbs use it: one action at a time over the daemon's
// unix socket or --endpoint's TCP (api_connection.hpp), on the configured cluster, with the List actions paged through and the Describe
// actions batched at ECS's limits. Not thread-safe; one per verb run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/api_connection.hpp"
#include "common/config.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::cli {

class EcsClient {
 public:
  EcsClient(const Config& config, const ApiConnection& api) : m_config(config), m_api(api) {}

  const Config& config() const { return m_config; }
  const ApiConnection& api() const { return m_api; }

  // Calls ECS `action` ("DescribeServices") with `request` as given; the reply or the API's error.
  [[nodiscard]] Result<model::Json> call(std::string_view action, const model::Json& request) const;

  // `request` with this client's cluster set, for the actions that take one.
  model::Json on_cluster(model::Json request) const;

  // Every ARN a List action returns under `member` ("taskArns"), following nextToken; at most
  // 10,000 (a gateway's cluster holds far fewer; the bound keeps a bad reply from looping).
  [[nodiscard]] Result<std::vector<std::string>> list_all(std::string_view action, model::Json request,
                                                          std::string_view member) const;

  // The tasks of the cluster: those not stopped, or with `stopped` those stopped too (ECS keeps
  // stopped tasks an hour); of one service's group when `service` is not empty. Described.
  enum class Stopped { exclude, include };
  [[nodiscard]] Result<std::vector<model::Json>> tasks(Stopped stopped, const std::string& service = "") const;
  [[nodiscard]] Result<std::vector<model::Json>> describe_tasks(const std::vector<std::string>& arns) const;

  // Services, all of the cluster's or those named; described (with their events).
  [[nodiscard]] Result<std::vector<model::Json>> services() const;
  [[nodiscard]] Result<std::vector<model::Json>> describe_services(const std::vector<std::string>& names) const;

  [[nodiscard]] Result<std::vector<model::Json>> instances() const;

 private:
  const Config& m_config;
  const ApiConnection& m_api;
};

}  // namespace berth::cli
