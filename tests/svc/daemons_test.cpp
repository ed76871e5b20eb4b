// The Daemon API through the action table on a fake clock, with the service scheduler placing
// the daemon's tasks: one per instance, rolled by UpdateDaemon, stopped by DeleteDaemon.
#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/service_scheduler.hpp"

namespace daemons_test {

using namespace berth;
using berth::testing::check_error;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

const std::string k_ecs = "arn:aws:ecs:local:000000000000:";

// The daemons' capacity provider, associated with the default cluster.
void associate_gateway(svc::Context& ctx) {
  REQUIRE_OK(ecs_call(ctx, "CreateCapacityProvider",
                      Json{{"name", "gateway"}, {"autoScalingGroupProvider", {{"autoScalingGroupArn", "gateway-asg"}}}}));
  REQUIRE_OK(ecs_call(ctx, "PutClusterCapacityProviders", Json{{"cluster", "default"}, {"capacityProviders", {"gateway"}},
                                                                {"defaultCapacityProviderStrategy", Json::array()}}));
}

struct DaemonFixture : ServiceFixture {
  svc::ServiceScheduler scheduler{*ctx};

  DaemonFixture() {
    for (int i = 0; i < 2; ++i) {
      REQUIRE_OK(ecs_call(*ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
          {"name":"CPU","type":"INTEGER","integerValue":4096},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
    }
    associate_gateway(*ctx);
    for (const char* image : {"busybox:1", "busybox:2"}) {
      REQUIRE_OK(ecs_call(*ctx, "RegisterDaemonTaskDefinition",
                          Json{{"family", "logs"}, {"containerDefinitions", {{{"name", "main"}, {"image", image}, {"memory", 16}}}}}));
    }
  }

  // The daemon's tasks not yet STOPPED whose desired status is `desired`.
  std::vector<model::Task> tasks_desired(model::TaskStatus desired) {
    store::TaskQuery query;
    query.group = "service:daemon:logs";
    query.desired_status = desired;
    query.not_stopped = true;
    auto tasks = store->list_tasks(query);
    REQUIRE(tasks.has_value());
    return std::move(*tasks);
  }

  // The daemon's tasks meant to run: (task definition ARN, instance id).
  std::vector<std::pair<std::string, std::string>> live_tasks() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& t : tasks_desired(model::TaskStatus::running)) {
      out.emplace_back(ctx->arns.task_definition(t.family, t.revision), t.container_instance_id);
    }
    return out;
  }

  // What the agents report once the containers of the daemon's stopping tasks have exited.
  void report_stopped() {
    const auto stopping = tasks_desired(model::TaskStatus::stopped);
    REQUIRE_FALSE(stopping.empty());
    for (const auto& t : stopping) {
      REQUIRE_OK(ecs_call(*ctx, "SubmitTaskStateChange", Json{{"cluster", "default"}, {"task", t.id}, {"status", "STOPPED"}}));
    }
  }

  // The daemon's tasks not stopped yet, as their agent reports them stopped.
  void stop_all_tasks() {
    store::TaskQuery query;
    query.group = "service:daemon:logs";
    query.not_stopped = true;
    auto stopping = store->list_tasks(query);
    REQUIRE(stopping.has_value());
    for (auto t : *stopping) {
      const long long version = t.version++;
      t.last_status = model::TaskStatus::stopped;
      REQUIRE(*store->replace_task(t, version));
    }
  }

  std::vector<model::Tag> tags_of(const std::string& arn) {
    auto listed = ecs_call(*ctx, "ListTagsForResource", Json{{"resourceArn", arn}});
    REQUIRE_OK(listed);
    std::vector<model::Tag> out;
    for (const auto& t : (*listed)["tags"]) out.push_back({t["key"], t["value"]});
    return out;
  }

  Json create(const std::string& definition = "logs:1") {
    auto created = ecs_call(*ctx, "CreateDaemon", Json{{"daemonName", "logs"}, {"daemonTaskDefinitionArn", definition},
                                                        {"capacityProviderArns", {"gateway"}}});
    REQUIRE_OK(created);
    return *created;
  }
};

}  // namespace

TEST_CASE("Daemon task definitions: register, describe, list, delete, apart from task definitions", "[svc][daemon]") {
  DaemonFixture f;
  const auto described = ecs_call(*f.ctx, "DescribeDaemonTaskDefinition", Json{{"daemonTaskDefinition", "logs"}});
  REQUIRE_OK(described);
  const Json& td = (*described)["daemonTaskDefinition"];
  CHECK(td["daemonTaskDefinitionArn"] == k_ecs + "daemon-task-definition/logs:2");
  CHECK(td["family"] == "logs");
  CHECK(td["status"] == "ACTIVE");
  CHECK(td["containerDefinitions"][0]["image"] == "busybox:2");

  // Not task definitions: the task definition actions do not see them.
  const auto families = ecs_call(*f.ctx, "ListTaskDefinitionFamilies", Json::object());
  REQUIRE_OK(families);
  CHECK((*families)["families"].empty());
  const auto definitions = ecs_call(*f.ctx, "ListTaskDefinitions", Json::object());
  CHECK((*definitions)["taskDefinitionArns"].empty());

  const auto listed = ecs_call(*f.ctx, "ListDaemonTaskDefinitions", Json{{"maxResults", 1}});
  REQUIRE_OK(listed);
  REQUIRE((*listed)["daemonTaskDefinitions"].size() == 1);
  CHECK((*listed)["daemonTaskDefinitions"][0]["arn"] == k_ecs + "daemon-task-definition/logs:1");
  const auto next = ecs_call(*f.ctx, "ListDaemonTaskDefinitions", Json{{"nextToken", (*listed)["nextToken"]}});
  CHECK((*next)["daemonTaskDefinitions"][0]["arn"] == k_ecs + "daemon-task-definition/logs:2");
  CHECK_FALSE(next->contains("nextToken"));
  const auto last = ecs_call(*f.ctx, "ListDaemonTaskDefinitions", Json{{"revision", "LAST_REGISTERED"}});
  CHECK((*last)["daemonTaskDefinitions"].size() == 1);

  const auto deleted = ecs_call(*f.ctx, "DeleteDaemonTaskDefinition", Json{{"daemonTaskDefinition", "logs:1"}});
  REQUIRE_OK(deleted);
  CHECK((*deleted)["daemonTaskDefinitionArn"] == k_ecs + "daemon-task-definition/logs:1");
  const auto active = ecs_call(*f.ctx, "ListDaemonTaskDefinitions", Json::object());
  CHECK((*active)["daemonTaskDefinitions"].size() == 1);
  const auto deleting = ecs_call(*f.ctx, "ListDaemonTaskDefinitions", Json{{"status", "DELETE_IN_PROGRESS"}});
  REQUIRE((*deleting)["daemonTaskDefinitions"].size() == 1);
  CHECK((*deleting)["daemonTaskDefinitions"][0].contains("deleteRequestedAt"));

  check_error(ecs_call(*f.ctx, "DeleteDaemonTaskDefinition", Json{{"daemonTaskDefinition", "logs:1"}}), Code::client,
              "The specified daemon task definition does not exist.");
  CHECK(ecs_call(*f.ctx, "DeleteDaemonTaskDefinition", Json{{"daemonTaskDefinition", "logs"}}).error().code == Code::client);
  check_error(ecs_call(*f.ctx, "DescribeDaemonTaskDefinition", Json{{"daemonTaskDefinition", "nope"}}), Code::client,
              "Unable to describe daemon task definition.");
  // A daemon container has no port mappings.
  CHECK_FALSE(ecs_call(*f.ctx, "RegisterDaemonTaskDefinition",
                       Json{{"family", "x"}, {"containerDefinitions", {{{"name", "m"}, {"image", "i"}, {"memory", 8},
                                                                       {"portMappings", Json::array()}}}}}));
}

TEST_CASE("A daemon runs one task per instance, rolls on update and stops on delete", "[svc][daemon]") {
  DaemonFixture f;
  const Json created = f.create();
  const std::string arn = created["daemonArn"];
  CHECK(arn == k_ecs + "daemon/default/logs");
  CHECK(created["status"] == "ACTIVE");
  f.scheduler.pass();
  auto tasks = f.live_tasks();
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0].first == k_ecs + "daemon-task-definition/logs:1");
  CHECK(tasks[0].second != tasks[1].second);  // one on each instance
  f.scheduler.pass();
  CHECK(f.live_tasks().size() == 2);  // and never a second one

  // Its backing service is no service of the Service API.
  const auto services = ecs_call(*f.ctx, "ListServices", Json::object());
  CHECK((*services)["serviceArns"].empty());
  CHECK(ecs_call(*f.ctx, "UpdateService", Json{{"service", "daemon:logs"}, {"desiredCount", 1}}).error().code ==
        Code::service_not_found);
  const auto described_services = ecs_call(*f.ctx, "DescribeServices", Json{{"services", {"daemon:logs"}}});
  CHECK((*described_services)["failures"].size() == 1);

  check_error(ecs_call(*f.ctx, "CreateDaemon", Json{{"daemonName", "logs"}, {"daemonTaskDefinitionArn", "logs:1"},
                                                    {"capacityProviderArns", {"gateway"}}}),
              Code::invalid_parameter, "A daemon named 'logs' already exists in this cluster.");

  const auto described = ecs_call(*f.ctx, "DescribeDaemon", Json{{"daemonArn", arn}});
  REQUIRE_OK(described);
  const Json& daemon = (*described)["daemon"];
  CHECK(daemon["clusterArn"] == k_ecs + "cluster/default");
  CHECK(daemon["deploymentArn"] == created["deploymentArn"]);
  REQUIRE(daemon["currentRevisions"].size() == 1);
  CHECK(daemon["currentRevisions"][0]["capacityProviders"][0]["arn"] == k_ecs + "capacity-provider/gateway");

  const auto updated = ecs_call(*f.ctx, "UpdateDaemon", Json{{"daemonArn", arn}, {"daemonTaskDefinitionArn", "logs:2"},
                                                             {"capacityProviderArns", {"gateway"}}});
  REQUIRE_OK(updated);
  CHECK((*updated)["deploymentArn"] != created["deploymentArn"]);
  f.scheduler.pass();  // the old tasks stop first
  f.scheduler.pass();
  CHECK(f.live_tasks().empty());  // nothing starts beside an old task still stopping
  f.report_stopped();
  f.scheduler.pass();
  tasks = f.live_tasks();
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0].first == k_ecs + "daemon-task-definition/logs:2");
  CHECK(tasks[1].first == k_ecs + "daemon-task-definition/logs:2");

  const auto deployments = ecs_call(*f.ctx, "ListDaemonDeployments", Json{{"daemonArn", arn}});
  REQUIRE_OK(deployments);
  REQUIRE((*deployments)["daemonDeployments"].size() == 2);
  CHECK((*deployments)["daemonDeployments"][0]["daemonDeploymentArn"] == (*updated)["deploymentArn"]);
  CHECK((*deployments)["daemonDeployments"][1]["status"] == "STOPPED");
  const auto stopped_only = ecs_call(*f.ctx, "ListDaemonDeployments", Json{{"daemonArn", arn}, {"status", {"STOPPED"}}});
  CHECK((*stopped_only)["daemonDeployments"].size() == 1);
  const auto first_page = ecs_call(*f.ctx, "ListDaemonDeployments", Json{{"daemonArn", arn}, {"maxResults", 1}});
  REQUIRE(first_page->contains("nextToken"));
  const auto second_page =
      ecs_call(*f.ctx, "ListDaemonDeployments", Json{{"daemonArn", arn}, {"nextToken", (*first_page)["nextToken"]}});
  CHECK((*second_page)["daemonDeployments"][0]["daemonDeploymentArn"] == created["deploymentArn"]);

  const std::string missing_deployment = k_ecs + "daemon-deployment/default/logs/nope";
  const auto described_deployments = ecs_call(*f.ctx, "DescribeDaemonDeployments",
      Json{{"daemonDeploymentArns", {(*updated)["deploymentArn"], missing_deployment, "not-an-arn"}}});
  REQUIRE_OK(described_deployments);
  REQUIRE((*described_deployments)["daemonDeployments"].size() == 1);
  const Json& deployment = (*described_deployments)["daemonDeployments"][0];
  CHECK(deployment["targetDaemonRevision"]["totalRunningInstanceCount"].is_number());
  CHECK(deployment["sourceDaemonRevisions"].size() == 1);
  CHECK((*described_deployments)["failures"].size() == 2);

  const std::string target = deployment["targetDaemonRevision"]["arn"];
  const auto revisions = ecs_call(*f.ctx, "DescribeDaemonRevisions", Json{{"daemonRevisionArns", {target}}});
  REQUIRE_OK(revisions);
  REQUIRE((*revisions)["daemonRevisions"].size() == 1);
  CHECK((*revisions)["daemonRevisions"][0]["daemonTaskDefinitionArn"] == k_ecs + "daemon-task-definition/logs:2");
  CHECK((*revisions)["daemonRevisions"][0]["containerImages"][0]["image"] == "busybox:2");

  const auto listed = ecs_call(*f.ctx, "ListDaemons", Json::object());
  REQUIRE((*listed)["daemonSummariesList"].size() == 1);
  const auto other_provider = ecs_call(*f.ctx, "ListDaemons", Json{{"capacityProviderArns", {"elsewhere"}}});
  CHECK((*other_provider)["daemonSummariesList"].empty());

  const auto deleted = ecs_call(*f.ctx, "DeleteDaemon", Json{{"daemonArn", arn}});
  REQUIRE_OK(deleted);
  CHECK((*deleted)["status"] == "DELETE_IN_PROGRESS");
  check_error(ecs_call(*f.ctx, "UpdateDaemon", Json{{"daemonArn", arn}, {"daemonTaskDefinitionArn", "logs:2"},
                                                    {"capacityProviderArns", {"gateway"}}}),
              Code::daemon_not_active, "Daemon is not ACTIVE.");
  CHECK(ecs_call(*f.ctx, "DeleteDaemon", Json{{"daemonArn", arn}}).error().code == Code::daemon_not_active);
  f.scheduler.pass();
  CHECK(f.live_tasks().empty());
}

TEST_CASE("Daemon actions answer ECS's errors", "[svc][daemon]") {
  DaemonFixture f;
  const std::string missing = k_ecs + "daemon/default/nope";
  check_error(ecs_call(*f.ctx, "DescribeDaemon", Json{{"daemonArn", missing}}), Code::daemon_not_found, "Daemon not found.");
  CHECK(ecs_call(*f.ctx, "DeleteDaemon", Json{{"daemonArn", missing}}).error().code == Code::daemon_not_found);
  CHECK(ecs_call(*f.ctx, "ListDaemonDeployments", Json{{"daemonArn", missing}}).error().code == Code::daemon_not_found);
  CHECK(ecs_call(*f.ctx, "DescribeDaemon", Json{{"daemonArn", "logs"}}).error().code == Code::invalid_parameter);
  CHECK(ecs_call(*f.ctx, "DescribeDaemon", Json{{"daemonArn", k_ecs + "daemon/elsewhere/logs"}}).error().code ==
        Code::cluster_not_found);
  CHECK(ecs_call(*f.ctx, "CreateDaemon", Json{{"daemonName", "logs"}, {"clusterArn", "elsewhere"},
                                              {"daemonTaskDefinitionArn", "logs:1"}, {"capacityProviderArns", {"g"}}})
            .error().code == Code::cluster_not_found);
  check_error(ecs_call(*f.ctx, "CreateDaemon", Json{{"daemonName", "logs"}, {"daemonTaskDefinitionArn", "logs:9"},
                                                    {"capacityProviderArns", {"g"}}}),
              Code::client, "The daemon task definition logs:9 does not exist or is not ACTIVE.");
  // The daemon can be created again once the deleted one has stopped its tasks.
  const Json created = f.create();
  f.scheduler.pass();
  REQUIRE_OK(ecs_call(*f.ctx, "DeleteDaemon", Json{{"daemonArn", created["daemonArn"]}}));
  f.scheduler.pass();
  // Tasks still stopping keep the daemon DELETE_IN_PROGRESS; once they stopped, it is gone.
  const auto deleting = ecs_call(*f.ctx, "DescribeDaemon", Json{{"daemonArn", created["daemonArn"]}});
  REQUIRE_OK(deleting);
  CHECK((*deleting)["daemon"]["status"] == "DELETE_IN_PROGRESS");
  f.stop_all_tasks();
  f.scheduler.pass();
  CHECK(ecs_call(*f.ctx, "DescribeDaemon", Json{{"daemonArn", created["daemonArn"]}}).error().code ==
        Code::daemon_not_found);
  const Json again = f.create();
  CHECK(again["daemonArn"] == created["daemonArn"]);
  f.scheduler.pass();
  CHECK(f.live_tasks().size() == 2);
}

TEST_CASE("On a new instance the daemon's task is placed before other services' tasks take the room", "[svc][daemon]") {
  ServiceFixture f;
  svc::ServiceScheduler scheduler{*f.ctx};
  associate_gateway(*f.ctx);
  REQUIRE_OK(ecs_call(*f.ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"web","networkMode":"host",
      "containerDefinitions":[{"name":"main","image":"busybox","memory":32}]})")));
  REQUIRE_OK(ecs_call(*f.ctx, "RegisterDaemonTaskDefinition",
                      Json{{"family", "logs"}, {"containerDefinitions", {{{"name", "main"}, {"image", "busybox"}, {"memory", 32}}}}}));
  // The replica service exists first and wants more than the instance holds.
  REQUIRE_OK(ecs_call(*f.ctx, "CreateService", Json{{"serviceName", "web"}, {"taskDefinition", "web"}, {"desiredCount", 4}}));
  REQUIRE_OK(ecs_call(*f.ctx, "CreateDaemon", Json{{"daemonName", "logs"}, {"daemonTaskDefinitionArn", "logs"},
                                                   {"capacityProviderArns", {"gateway"}}}));
  REQUIRE_OK(ecs_call(*f.ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
      {"name":"CPU","type":"INTEGER","integerValue":1024},{"name":"MEMORY","type":"INTEGER","integerValue":96}]})")));
  scheduler.pass();
  store::TaskQuery query;
  query.not_stopped = true;
  const auto tasks = f.store->list_tasks(query);
  REQUIRE(tasks.has_value());
  int daemon_tasks = 0, web_tasks = 0;
  for (const auto& t : *tasks) (t.group == "service:daemon:logs" ? daemon_tasks : web_tasks) += 1;
  CHECK(daemon_tasks == 1);
  CHECK(web_tasks == 2);  // what is left of 96 MiB after the daemon's 32
}

TEST_CASE("A daemon names capacity providers associated with its cluster, and they stay while it exists",
          "[svc][daemon][capacity]") {
  DaemonFixture f;
  const std::string gateway = k_ecs + "capacity-provider/gateway";
  // The ARN and the name of one provider: kept once, by name, shown as the ARN.
  const auto created = ecs_call(*f.ctx, "CreateDaemon", Json{{"daemonName", "logs"}, {"daemonTaskDefinitionArn", "logs:1"},
                                                             {"capacityProviderArns", {gateway, "gateway"}}});
  REQUIRE_OK(created);
  const std::string arn = (*created)["daemonArn"];
  const auto found = f.store->find_daemon("default", "logs");
  REQUIRE_OK(found);
  CHECK((*found)->first.capacity_providers == std::vector<std::string>{"gateway"});
  const auto described = ecs_call(*f.ctx, "DescribeDaemon", Json{{"daemonArn", arn}});
  REQUIRE_OK(described);
  CHECK((*described)["daemon"]["currentRevisions"][0]["capacityProviders"] ==
        Json::parse(R"([{"arn":")" + gateway + R"(","runningCount":0}])"));

  // ListDaemons filters by name or ARN alike.
  for (const std::string& filter : {gateway, std::string("gateway")}) {
    const auto listed = ecs_call(*f.ctx, "ListDaemons", Json{{"capacityProviderArns", {filter}}});
    REQUIRE_OK(listed);
    CHECK((*listed)["daemonSummariesList"].size() == 1);
  }
  const auto other = ecs_call(*f.ctx, "ListDaemons", Json{{"capacityProviderArns", {k_ecs + "capacity-provider/spare"}}});
  CHECK((*other)["daemonSummariesList"].empty());

  // Providers the cluster does not have, and what is no capacity provider ARN, are refused.
  REQUIRE_OK(ecs_call(*f.ctx, "CreateCapacityProvider",
                      Json{{"name", "spare"}, {"autoScalingGroupProvider", {{"autoScalingGroupArn", "spare-asg"}}}}));
  for (const std::string& provider : {std::string("spare"), std::string("FARGATE"), k_ecs + "cluster/default",
                                      std::string("arn:aws:ecs:elsewhere:000000000000:capacity-provider/gateway")}) {
    check_error(ecs_call(*f.ctx, "CreateDaemon", Json{{"daemonName", "other"}, {"daemonTaskDefinitionArn", "logs:1"},
                                                      {"capacityProviderArns", {provider}}}),
                Code::invalid_parameter,
                "The capacity provider " + provider + " is not associated with the cluster. Associate it with "
                "PutClusterCapacityProviders and try again.");
  }
  CHECK(ecs_call(*f.ctx, "UpdateDaemon", Json{{"daemonArn", arn}, {"daemonTaskDefinitionArn", "logs:2"},
                                              {"capacityProviderArns", {"spare"}}}).error().code == Code::invalid_parameter);

  // While the daemon exists its provider can neither leave the cluster nor be deleted.
  const Json none{{"cluster", "default"}, {"capacityProviders", Json::array()},
                  {"defaultCapacityProviderStrategy", Json::array()}};
  check_error(ecs_call(*f.ctx, "PutClusterCapacityProviders", none), Code::resource_in_use,
              "The specified capacity provider is in use and cannot be removed.");
  const auto kept = ecs_call(*f.ctx, "DeleteCapacityProvider", Json{{"capacityProvider", "gateway"}});
  REQUIRE_OK(kept);
  CHECK((*kept)["capacityProvider"]["updateStatus"] == "DELETE_FAILED");
  f.scheduler.pass();
  REQUIRE_OK(ecs_call(*f.ctx, "DeleteDaemon", Json{{"daemonArn", arn}}));
  f.scheduler.pass();
  check_error(ecs_call(*f.ctx, "PutClusterCapacityProviders", none), Code::resource_in_use,
              "The specified capacity provider is in use and cannot be removed.");  // its tasks still stopping
  f.stop_all_tasks();
  f.scheduler.pass();
  REQUIRE_OK(ecs_call(*f.ctx, "PutClusterCapacityProviders", none));
  const auto deleted = ecs_call(*f.ctx, "DeleteCapacityProvider", Json{{"capacityProvider", "gateway"}});
  REQUIRE_OK(deleted);
  CHECK((*deleted)["capacityProvider"]["updateStatus"] == "DELETE_COMPLETE");
}

TEST_CASE("A daemon's task settings reach its tasks: managed and propagated tags, ExecuteCommand", "[svc][daemon]") {
  DaemonFixture f;
  REQUIRE_OK(ecs_call(*f.ctx, "CreateDaemon",
                      Json{{"daemonName", "logs"}, {"daemonTaskDefinitionArn", "logs:1"}, {"capacityProviderArns", {"gateway"}},
                           {"propagateTags", "DAEMON"}, {"enableECSManagedTags", true}, {"enableExecuteCommand", true},
                           {"tags", {{{"key", "team"}, {"value", "ops"}}}}}));
  const auto tasks_now = [&] {
    store::TaskQuery query;
    query.group = "service:daemon:logs";
    query.desired_status = model::TaskStatus::running;
    auto tasks = f.store->list_tasks(query);
    REQUIRE(tasks.has_value());
    return *tasks;
  };
  f.scheduler.pass();
  auto tasks = tasks_now();
  REQUIRE(tasks.size() == 2);
  for (const auto& t : tasks) {
    CHECK(t.enable_execute_command);
    CHECK(*f.store->tags_of("task/default/" + t.id) ==
          std::vector<model::Tag>{{"aws:ecs:clusterName", "default"}, {"aws:ecs:serviceName", "daemon:logs"},
                                  {"team", "ops"}});
  }

  // The next revision's settings replace them.
  REQUIRE_OK(ecs_call(*f.ctx, "UpdateDaemon", Json{{"daemonArn", k_ecs + "daemon/default/logs"},
                                                   {"daemonTaskDefinitionArn", "logs:2"}, {"capacityProviderArns", {"gateway"}}}));
  f.scheduler.pass();
  f.report_stopped();  // the new revision starts once the old tasks have stopped
  f.scheduler.pass();
  tasks = tasks_now();
  REQUIRE(tasks.size() == 2);
  for (const auto& t : tasks) {
    CHECK(t.family == "daemon:logs");
    CHECK(t.revision == 2);
    CHECK_FALSE(t.enable_execute_command);
    CHECK(f.store->tags_of("task/default/" + t.id)->empty());
  }
}

TEST_CASE("Daemons and daemon task definitions take tags", "[svc][daemon][tags]") {
  DaemonFixture f;
  const std::string daemon = f.create()["daemonArn"];
  CHECK(f.tags_of(daemon).empty());
  REQUIRE_OK(ecs_call(*f.ctx, "TagResource", Json{{"resourceArn", daemon},
                                                  {"tags", {{{"key", "team"}, {"value", "ops"}}, {{"key", "tier"}, {"value", "1"}}}}}));
  REQUIRE_OK(ecs_call(*f.ctx, "UntagResource", Json{{"resourceArn", daemon}, {"tagKeys", {"tier"}}}));
  CHECK(f.tags_of(daemon) == std::vector<model::Tag>{{"team", "ops"}});
  check_error(ecs_call(*f.ctx, "ListTagsForResource", Json{{"resourceArn", k_ecs + "daemon/default/nope"}}),
              Code::daemon_not_found, "Daemon not found.");
  check_error(ecs_call(*f.ctx, "TagResource", Json{{"resourceArn", k_ecs + "daemon/elsewhere/logs"},
                                                   {"tags", {{{"key", "a"}, {"value", "b"}}}}}),
              Code::cluster_not_found, "Cluster not found.");

  // RegisterDaemonTaskDefinition's tags are the daemon task definition ARN's.
  const auto registered = ecs_call(*f.ctx, "RegisterDaemonTaskDefinition",
      Json{{"family", "logs"}, {"containerDefinitions", {{{"name", "main"}, {"image", "busybox:3"}, {"memory", 16}}}},
           {"tags", {{{"key", "owner"}, {"value", "sre"}}}}});
  REQUIRE_OK(registered);
  const std::string definition = (*registered)["daemonTaskDefinitionArn"];
  CHECK(definition == k_ecs + "daemon-task-definition/logs:3");
  CHECK(f.tags_of(definition) == std::vector<model::Tag>{{"owner", "sre"}});
  REQUIRE_OK(ecs_call(*f.ctx, "TagResource", Json{{"resourceArn", definition}, {"tags", {{{"key", "env"}, {"value", "prod"}}}}}));
  REQUIRE_OK(ecs_call(*f.ctx, "UntagResource", Json{{"resourceArn", definition}, {"tagKeys", {"owner"}}}));
  CHECK(f.tags_of(definition) == std::vector<model::Tag>{{"env", "prod"}});
  const std::string missing_definition = "The specified daemon task definition could not be found.";
  check_error(ecs_call(*f.ctx, "ListTagsForResource", Json{{"resourceArn", k_ecs + "daemon-task-definition/logs:9"}}),
              Code::resource_not_found, missing_definition);
  check_error(ecs_call(*f.ctx, "ListTagsForResource", Json{{"resourceArn", k_ecs + "daemon-task-definition/logs"}}),
              Code::resource_not_found, missing_definition);
  REQUIRE_OK(ecs_call(*f.ctx, "DeleteDaemonTaskDefinition", Json{{"daemonTaskDefinition", definition}}));
  check_error(ecs_call(*f.ctx, "TagResource", Json{{"resourceArn", definition}, {"tags", {{{"key", "a"}, {"value", "b"}}}}}),
              Code::resource_not_found, missing_definition);
}

}  // namespace daemons_test
