// Daemon records, ARNs, deployment status and the Daemon API decoders.
#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "model/daemon_requests.hpp"

namespace daemon_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

namespace {

const ArnScope k_arns{"local", "000000000000"};

Daemon sample_daemon() {
  Daemon d;
  d.cluster = "plant";
  d.name = "logs";
  d.capacity_providers = {"gateway"};
  d.created_at = d.updated_at = 1000;
  DaemonRevision r{"r1", "logs", 1, "ecs-svc/1", {{"main", "busybox"}}, "NONE", false, false, 1000};
  DaemonDeployment deployment;
  deployment.id = "d1";
  deployment.target_revision = "r1";
  deployment.created_at = deployment.started_at = 1000;
  d.revisions.push_back(r);
  d.deployments.push_back(deployment);
  return d;
}

Service backing_with(const std::string& deployment_id, const std::string& rollout) {
  Service s;
  s.name = backing_service_name("logs");
  Deployment d;
  d.id = deployment_id;
  d.rollout_state = rollout;
  d.updated_at = 5000;
  s.deployments.push_back(d);
  return s;
}

}  // namespace

TEST_CASE("Daemon families and backing services live in names no user resource can take", "[model][daemon]") {
  CHECK(daemon_family("logs") == "daemon:logs");
  CHECK(daemon_family_name("daemon:logs") == std::optional<std::string>("logs"));
  CHECK_FALSE(daemon_family_name("logs").has_value());
  CHECK(backing_service_name("logs") == "daemon:logs");
  CHECK(is_backing_service("daemon:logs"));
  CHECK_FALSE(is_backing_service("logs"));
  // Tasks of a daemon task definition name it by its daemon-task-definition ARN.
  CHECK(daemon_task_definition_arn(k_arns, "logs", 3) == "arn:aws:ecs:local:000000000000:daemon-task-definition/logs:3");
  CHECK(k_arns.task_definition("web", 3) == "arn:aws:ecs:local:000000000000:task-definition/web:3");
}

TEST_CASE("Daemon ARNs are built and read back; others are InvalidParameterException", "[model][daemon]") {
  const auto d = sample_daemon();
  CHECK(daemon_arn(k_arns, "plant", "logs") == "arn:aws:ecs:local:000000000000:daemon/plant/logs");
  const auto key = parse_daemon_arn(k_arns, daemon_arn(k_arns, "plant", "logs"), "daemon");
  REQUIRE(key.has_value());
  CHECK((key->cluster == "plant" && key->name == "logs" && key->id.empty()));
  const auto deployment = parse_daemon_arn(k_arns, daemon_deployment_arn(k_arns, d, "d1"), "daemon-deployment");
  REQUIRE(deployment.has_value());
  CHECK((deployment->cluster == "plant" && deployment->name == "logs" && deployment->id == "d1"));
  const auto revision = parse_daemon_arn(k_arns, daemon_revision_arn(k_arns, d, "r1"), "daemon-revision");
  REQUIRE(revision.has_value());
  CHECK(revision->id == "r1");

  for (const std::string bad : {"logs", "arn:aws:ecs:local:000000000000:service/plant/logs",
                                "arn:aws:ecs:other:000000000000:daemon/plant/logs",
                                "arn:aws:ecs:local:111111111111:daemon/plant/logs",
                                "arn:aws:ecs:local:000000000000:daemon/plant", "arn:aws:ecs:local:000000000000:daemon/plant/logs/x"}) {
    INFO(bad);
    check_error(parse_daemon_arn(k_arns, bad, "daemon"), Code::invalid_parameter, "'" + bad + "' is not a valid daemon ARN.");
  }
  CHECK_FALSE(parse_daemon_arn(k_arns, "arn:aws:ecs:local:000000000000:daemon-deployment/plant/logs", "daemon-deployment"));
  CHECK_FALSE(parse_daemon_arn(k_arns, "arn:aws:ecs:local:000000000000:daemon-deployment/plant/logs/", "daemon-deployment"));
}

TEST_CASE("A daemon record round-trips; a corrupt one is a ServerException", "[model][daemon]") {
  auto d = sample_daemon();
  d.status = DaemonStatus::delete_in_progress;
  d.deployments.front().status = DaemonDeploymentStatus::stopped;
  d.deployments.front().configuration = Json{{"drainPercent", 25.0}};
  const auto back = daemon_from_record(daemon_to_record(d));
  REQUIRE(back.has_value());
  CHECK(back->status == DaemonStatus::delete_in_progress);
  CHECK(back->revisions == d.revisions);
  CHECK(back->deployments == d.deployments);
  CHECK(back->capacity_providers == d.capacity_providers);

  CHECK(daemon_from_record(Json::array()).error().code == Code::server);
  auto bad_status = daemon_to_record(d);
  bad_status["status"] = "SLEEPING";
  CHECK(daemon_from_record(bad_status).error().code == Code::server);
  auto bad_deployment = daemon_to_record(d);
  bad_deployment["deployments"][0]["status"] = "DONE";
  CHECK(daemon_from_record(bad_deployment).error().code == Code::server);
  auto empty = daemon_to_record(d);
  empty["deployments"] = Json::array();
  CHECK(daemon_from_record(empty).error().code == Code::server);
}

TEST_CASE("A deployment succeeds when its service deployment completes, and is stopped when superseded",
          "[model][daemon]") {
  auto d = sample_daemon();
  CHECK(live_deployment(d, d.current(), backing_with("ecs-svc/1", "IN_PROGRESS")).status ==
        DaemonDeploymentStatus::in_progress);
  const auto done = live_deployment(d, d.current(), backing_with("ecs-svc/1", "COMPLETED"));
  CHECK(done.status == DaemonDeploymentStatus::successful);
  CHECK(done.finished_at == 5000);
  // Another service deployment completing says nothing about this one.
  CHECK(live_deployment(d, d.current(), backing_with("ecs-svc/2", "COMPLETED")).status ==
        DaemonDeploymentStatus::in_progress);

  DaemonRevision r2{"r2", "logs", 2, "ecs-svc/2", {}, "NONE", false, false, 6000};
  DaemonDeployment d2;
  d2.id = "d2";
  d2.target_revision = "r2";
  add_daemon_deployment(d, backing_with("ecs-svc/1", "IN_PROGRESS"), r2, d2, 6000);
  REQUIRE(d.deployments.size() == 2);
  CHECK(d.current().id == "d2");
  CHECK(d.deployments[1].status == DaemonDeploymentStatus::stopped);
  CHECK(d.deployments[1].status_reason == "Superseded by daemon deployment d2.");
  CHECK(d.deployments[1].stopped_at == 6000);
  CHECK(d.updated_at == 6000);

  // A completed one stays SUCCESSFUL; history is bounded.
  auto e = sample_daemon();
  add_daemon_deployment(e, backing_with("ecs-svc/1", "COMPLETED"), r2, d2, 6000);
  CHECK(e.deployments[1].status == DaemonDeploymentStatus::successful);
  for (int i = 0; i < 30; ++i) add_daemon_deployment(e, Service{}, r2, d2, 7000 + i);
  CHECK(e.deployments.size() == k_max_daemon_history);
  CHECK(e.revisions.size() == k_max_daemon_history);
}

TEST_CASE("Daemon API decoders refuse bad input with ECS's errors", "[model][daemon]") {
  const Json td = Json::parse(R"({"family":"logs","containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})");
  const auto registered = decode_register_daemon_task_definition(td);
  REQUIRE(registered.has_value());
  CHECK(registered->family == "logs");
  CHECK(registered->body["family"] == "daemon:logs");
  auto bad_family = td;
  bad_family["family"] = "daemon:logs";
  CHECK(decode_register_daemon_task_definition(bad_family).error().code == Code::client);

  const auto ref = decode_daemon_task_definition_ref(
      Json{{"daemonTaskDefinition", "arn:aws:ecs:local:000000000000:daemon-task-definition/logs:4"}});
  REQUIRE(ref.has_value());
  CHECK((ref->family == "logs" && ref->revision == 4));
  CHECK(decode_daemon_task_definition_ref(Json{{"daemonTaskDefinition", "logs"}})->revision == std::nullopt);
  check_error(decode_daemon_task_definition_ref(Json{{"daemonTaskDefinition", "logs:foo"}}), Code::invalid_parameter,
              "Invalid revision number. Number: foo");
  check_error(decode_daemon_task_definition_ref(
                  Json{{"daemonTaskDefinition", "arn:aws:ecs:local:000000000000:task-definition/logs:1"}}),
              Code::client, "'arn:aws:ecs:local:000000000000:task-definition/logs:1' is not a daemon task definition ARN.");

  const Json create{{"daemonName", "logs"}, {"daemonTaskDefinitionArn", "logs:1"}, {"capacityProviderArns", {"gateway"}}};
  const auto created = decode_create_daemon(create);
  REQUIRE(created.has_value());
  CHECK(created->settings.propagate_tags == "NONE");
  auto bad_name = create;
  bad_name["daemonName"] = "bad name";
  CHECK(decode_create_daemon(bad_name).error().code == Code::invalid_parameter);
  auto no_providers = create;
  no_providers["capacityProviderArns"] = Json::array();
  check_error(decode_create_daemon(no_providers), Code::invalid_parameter,
              "capacityProviderArns must name at least one capacity provider.");
  auto drain = create;
  drain["deploymentConfiguration"] = {{"drainPercent", 150.0}};
  check_error(decode_create_daemon(drain), Code::invalid_parameter, "drainPercent must be between 0 and 100.");
  auto bake = create;
  bake["deploymentConfiguration"] = {{"bakeTimeInMinutes", -1}};
  CHECK(decode_create_daemon(bake).error().code == Code::invalid_parameter);

  check_error(decode_describe_daemon_deployments(Json{{"daemonDeploymentArns", Json::array()}}), Code::invalid_parameter,
              "daemonDeploymentArns takes 1 to 20 ARNs; 0 were given.");
  CHECK(decode_describe_daemon_revisions(Json{{"daemonRevisionArns", Json(std::vector<std::string>(21, "a"))}})
            .error().code == Code::invalid_parameter);

  const auto listed = decode_list_daemon_deployments(
      Json{{"daemonArn", "a"}, {"status", {"SUCCESSFUL"}}, {"createdAt", {{"before", 20}, {"after", "10"}}}});
  REQUIRE(listed.has_value());
  CHECK(listed->created_before == 20000);
  CHECK(listed->created_after == 10000);
  CHECK(listed->statuses == std::vector{DaemonDeploymentStatus::successful});
  CHECK(decode_list_daemon_deployments(Json{{"daemonArn", "a"}, {"createdAt", {{"after", "yesterday"}}}}).error().code ==
        Code::invalid_parameter);
  CHECK(decode_list_daemon_deployments(Json{{"daemonArn", "a"}, {"createdAt", {{"after", -5}}}}).error().code ==
        Code::invalid_parameter);

  const auto all = decode_list_daemon_task_definitions(Json{{"status", "ALL"}, {"sort", "DESC"}, {"revision", "LAST_REGISTERED"}});
  REQUIRE(all.has_value());
  CHECK_FALSE(all->status.has_value());
  CHECK((all->descending && all->last_registered_only));
  CHECK(decode_list_daemon_task_definitions(Json{{"family", "a b"}}).error().code == Code::client);
  CHECK(decode_list_daemon_task_definitions(Json{{"nextToken", "forged"}}).error().code == Code::invalid_parameter);
}

}  // namespace daemon_test
