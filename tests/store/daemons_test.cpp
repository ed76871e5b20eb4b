// The daemons table and daemon task definition rows: a daemon and its backing service written
// together, version-checked together, gone once deleted and stopped; daemon families listed
// apart from task definition families.
#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "store/store.hpp"

namespace daemons_test {

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

struct StoredDaemon : ServiceFixture {
  model::Daemon daemon;
  model::Service backing;

  StoredDaemon() {
    daemon.cluster = backing.cluster = "default";
    daemon.name = "logs";
    daemon.revisions.push_back({"r1", "logs", 1, "ecs-svc/1", {}, "NONE", false, false, 1});
    model::DaemonDeployment d;
    d.id = "d1";
    d.target_revision = "r1";
    daemon.deployments.push_back(d);
    backing.name = model::backing_service_name("logs");
    backing.scheduling_strategy = "DAEMON";
    REQUIRE_OK(store->create_daemon(daemon, backing, {{"team", "ops"}}));
  }

  void associate_gateway() {
    model::CapacityProvider gateway;
    gateway.name = "gateway";
    REQUIRE_OK(store->create_capacity_provider(gateway, {}, 10));
    REQUIRE_OK(store->set_cluster_capacity_providers("default", {"gateway"}, Json::array()));
  }

  void register_definitions(const std::string& family, int count) {
    for (int i = 0; i < count; ++i) {
      REQUIRE_OK(store->register_task_definition(family, Json{{"family", family}}, {}, 1));
    }
  }
};

std::vector<std::string> keys(const std::vector<model::TaskDefinition>& list) {
  std::vector<std::string> out;
  for (const auto& td : list) out.push_back(td.family + ":" + std::to_string(td.revision));
  return out;
}

}  // namespace

TEST_CASE("A daemon is stored with its backing service and its tags", "[store][daemon]") {
  StoredDaemon s;
  const auto found = s.store->find_daemon("default", "logs");
  REQUIRE_OK(found);
  REQUIRE(found->has_value());
  CHECK((*found)->first.current().id == "d1");
  CHECK((*found)->second.name == "daemon:logs");
  CHECK(*s.store->tags_of("daemon/default/logs") == std::vector<model::Tag>{{"team", "ops"}});
  CHECK_FALSE(s.store->find_daemon("default", "other")->has_value());
  CHECK(s.store->create_daemon(s.daemon, s.backing, {}).error().code == Code::invalid_parameter);
  auto elsewhere = s.daemon;
  elsewhere.cluster = s.backing.cluster = "nowhere";
  CHECK(s.store->create_daemon(elsewhere, s.backing, {}).error().code == Code::cluster_not_found);
  const auto listed = s.store->list_daemons("default", {}, "", 10);
  REQUIRE_OK(listed);
  REQUIRE(listed->size() == 1);
  CHECK(s.store->list_daemons("default", {}, "logs", 10)->empty());
}

TEST_CASE("A daemon and its service are replaced together, only at the versions read", "[store][daemon]") {
  StoredDaemon s;
  s.associate_gateway();
  auto [daemon, service] = **s.store->find_daemon("default", "logs");
  daemon.capacity_providers = {"gateway"};
  CHECK_FALSE(*s.store->replace_daemon(daemon, daemon.version + 1, service, service.version));  // stale daemon
  CHECK_FALSE(*s.store->replace_daemon(daemon, daemon.version, service, service.version + 1));  // stale service
  const long long daemon_version = daemon.version++;
  const long long service_version = service.version++;
  service.status = model::ServiceStatus::draining;
  CHECK(*s.store->replace_daemon(daemon, daemon_version, service, service_version));
  const auto after = **s.store->find_daemon("default", "logs");
  CHECK(after.first.capacity_providers == std::vector<std::string>{"gateway"});
  CHECK(after.second.status == model::ServiceStatus::draining);

  // An INACTIVE service without running tasks: the daemon is gone, its name free.
  service.status = model::ServiceStatus::inactive;
  REQUIRE(*s.store->replace_daemon(after.first, after.first.version, service, after.second.version));
  CHECK_FALSE(s.store->find_daemon("default", "logs")->has_value());
  CHECK(s.store->replace_daemon(after.first, after.first.version, service, service.version).error().code ==
        Code::daemon_not_found);
  REQUIRE_OK(s.store->create_daemon(s.daemon, s.backing, {}));
}

TEST_CASE("Daemon task definitions are listed by their own query", "[store][daemon]") {
  StoredDaemon s;
  s.register_definitions("web", 1);
  s.register_definitions("daemon:logs", 2);
  s.register_definitions("daemon:metrics", 1);
  store::DaemonTaskDefinitionQuery query;
  CHECK(keys(*s.store->list_daemon_task_definitions(query)) ==
        std::vector<std::string>{"daemon:logs:1", "daemon:logs:2", "daemon:metrics:1"});
  query.family_prefix = "me";
  CHECK(keys(*s.store->list_daemon_task_definitions(query)) == std::vector<std::string>{"daemon:metrics:1"});
  query = {};
  query.family = "logs";
  query.order = store::SortOrder::descending;
  CHECK(keys(*s.store->list_daemon_task_definitions(query)) == std::vector<std::string>{"daemon:logs:2", "daemon:logs:1"});
  query = {};
  query.last_registered_only = true;
  CHECK(keys(*s.store->list_daemon_task_definitions(query)) == std::vector<std::string>{"daemon:logs:2", "daemon:metrics:1"});
  query = {};
  query.after = "logs:2";
  CHECK(keys(*s.store->list_daemon_task_definitions(query)) == std::vector<std::string>{"daemon:metrics:1"});
  query = {};
  query.status = model::TaskDefinitionStatus::delete_in_progress;
  CHECK(s.store->list_daemon_task_definitions(query)->empty());

  // The task definition queries do not see them.
  store::FamilyQuery families;
  families.status = model::FamilyStatus::all;
  CHECK(*s.store->list_families(families) == std::vector<std::string>{"web"});
  CHECK(keys(*s.store->list_task_definitions({})) == std::vector<std::string>{"web:1"});
}

TEST_CASE("A daemon's capacity providers are associated with its cluster when it is written", "[store][daemon]") {
  StoredDaemon s;
  s.associate_gateway();
  auto other = s.daemon;
  other.name = "metrics";
  other.capacity_providers = {"spare"};
  auto backing = s.backing;
  backing.name = model::backing_service_name("metrics");
  const std::string not_associated =
      "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the "
      "cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.";
  CHECK(s.store->create_daemon(other, backing, {}).error().message == not_associated);
  other.capacity_providers = {"gateway"};
  REQUIRE_OK(s.store->create_daemon(other, backing, {}));
  auto [daemon, service] = **s.store->find_daemon("default", "metrics");
  daemon.capacity_providers = {"spare"};
  CHECK(s.store->replace_daemon(daemon, daemon.version, service, service.version).error().message == not_associated);

  // ListDaemons by capacity provider, paged by the store.
  CHECK(s.store->list_daemons("default", {"gateway"}, "", 10)->size() == 1);
  CHECK(s.store->list_daemons("default", {"spare", "gateway"}, "", 10)->front().name == "metrics");
  CHECK(s.store->list_daemons("default", {"spare"}, "", 10)->empty());
  CHECK(s.store->list_daemons("default", {}, "", 1)->front().name == "logs");
  CHECK(s.store->list_daemons("default", {}, "logs", 1)->front().name == "metrics");

  // A daemon that still exists keeps its provider with the cluster.
  CHECK(s.store->set_cluster_capacity_providers("default", {}, Json::array()).error().code == Code::resource_in_use);
  service.status = model::ServiceStatus::inactive;  // deleted, no task left: gone
  daemon.capacity_providers = {"gateway"};
  REQUIRE(*s.store->replace_daemon(daemon, daemon.version, service, service.version));
  REQUIRE_OK(s.store->set_cluster_capacity_providers("default", {}, Json::array()));
}

TEST_CASE("Tags of a daemon and of a daemon task definition are added while they exist", "[store][daemon][tags]") {
  StoredDaemon s;
  REQUIRE_OK(s.store->add_tags("daemon/default/logs", {{"env", "prod"}}));
  CHECK(s.store->tags_of("daemon/default/logs")->size() == 2);
  CHECK(s.store->add_tags("daemon/default/nope", {{"env", "prod"}}).error().code == Code::resource_not_found);
  s.register_definitions("daemon:logs", 1);
  REQUIRE_OK(s.store->add_tags("task-definition/daemon:logs:1", {{"env", "prod"}}));
  CHECK(s.store->add_tags("task-definition/daemon:logs:2", {{"env", "prod"}}).error().code == Code::resource_not_found);
  CHECK(s.store->add_tags("task-definition/daemon:logs:x", {{"env", "prod"}}).error().code == Code::resource_not_found);
}

}  // namespace daemons_test
