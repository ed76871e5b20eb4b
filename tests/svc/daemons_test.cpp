// The Daemon API through the action table on a fake clock, with the service scheduler placing
// the daemon's tasks: one per instance, rolled by UpdateDaemon, stopped by DeleteDaemon.
#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/service_scheduler.hpp"

using namespace berth;
using berth::testing::check_error;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

const std::string k_ecs = "arn:aws:ecs:local:000000000000:";

struct DaemonFixture : ServiceFixture {
  svc::ServiceScheduler scheduler{*ctx};

  DaemonFixture() {
    for (int i = 0; i < 2; ++i) {
      REQUIRE_OK(ecs_call(*ctx, "RegisterContainerInstance", Json::parse(R"({"totalResources":[
          {"name":"CPU","type":"INTEGER","integerValue":4096},{"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
    }
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
  CHECK(daemon["currentRevisions"][0]["capacityProviders"][0]["arn"] == "gateway");

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
  store::TaskQuery query;
  query.group = "service:daemon:logs";
  query.not_stopped = true;
  auto stopping = f.store->list_tasks(query);
  REQUIRE(stopping.has_value());
  REQUIRE(stopping->size() == 2);
  for (auto t : *stopping) {
    const long long version = t.version++;
    t.last_status = model::TaskStatus::stopped;
    REQUIRE(*f.store->replace_task(t, version));
  }
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
