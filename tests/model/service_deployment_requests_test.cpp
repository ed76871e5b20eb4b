#include "model/service_deployment_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/shape_checked.hpp"

namespace service_deployment_requests_test {

using namespace berth;
using namespace berth::model;

namespace {

const ArnScope k_arns{"local", "000000000000"};
const std::string k_ecs = "arn:aws:ecs:local:000000000000:";

template <class F>
void check_refused(F decode, const Shape& shape, const char* body, const std::string& message) {
  INFO(body);
  Json json = Json::parse(body);
  REQUIRE(check_shape(json, shape).has_value());
  auto r = decode(json);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == Code::invalid_parameter);
  CHECK(r.error().message == message);
}

}  // namespace

TEST_CASE("service deployment ARNs: built and read back, other places refused", "[model][deployments]") {
  const HistoryKey key{"plant-7", "web", "123"};
  const std::string arn = history_arn(k_arns, k_service_deployment, key);
  CHECK(arn == k_ecs + "service-deployment/plant-7/web/123");
  const auto back = history_key_of(k_arns, k_service_deployment, arn);
  REQUIRE(back.has_value());
  CHECK(back->cluster == "plant-7");
  CHECK(back->service == "web");
  CHECK(back->id == "123");
  CHECK_FALSE(history_key_of(k_arns, k_service_revision, arn));  // another type
  CHECK_FALSE(history_key_of(ArnScope{"eu-west-1", "000000000000"}, k_service_deployment, arn));
  for (const std::string& bad : std::vector<std::string>{"web", k_ecs + "service-deployment/plant-7/web", k_ecs + "service-deployment/plant-7//1",
                                k_ecs + "service-deployment/plant-7/web/", k_ecs + "service-deployment//web/1",
                                k_ecs + "service-deployment/a/b/c/d"}) {
    INFO(bad);
    CHECK_FALSE(history_key_of(k_arns, k_service_deployment, bad));
  }
}

TEST_CASE("service deployment requests: decoded, and refused as ECS refuses them", "[model][deployments]") {
  auto list = decode_list_service_deployments(Json::parse(
      R"({"service":"web","status":["IN_PROGRESS","SUCCESSFUL"],"createdAt":{"after":1700000000,"before":1700000100.5}})"));
  REQUIRE(list.has_value());
  CHECK(list->statuses == std::vector{ServiceDeploymentStatus::in_progress, ServiceDeploymentStatus::successful});
  CHECK(*list->created_after == 1'700'000'000'000);
  CHECK(*list->created_before == 1'700'000'100'000);
  CHECK(list->page.limit == 20);

  check_refused(decode_list_service_deployments, deployment_shapes::list_service_deployments,
                R"({"service":"web","createdAt":{"after":1700000100,"before":1700000000}})",
                "createdAt.after must not be later than createdAt.before.");
  check_refused(decode_list_service_deployments, deployment_shapes::list_service_deployments,
                R"({"service":"web","createdAt":{"after":"yesterday"}})",
                "createdAt.after must be epoch seconds or yyyy-mm-ddThh:mm:ssZ.");
  check_refused(decode_list_service_deployments, deployment_shapes::list_service_deployments,
                R"({"service":"web","nextToken":"bm9wZQ=="})", "The nextToken is not valid for this request.");
  check_refused(decode_describe_service_deployments, deployment_shapes::describe_service_deployments,
                R"({"serviceDeploymentArns":[]})", "serviceDeploymentArns takes 1 to 20 ARNs; 0 were given.");
  check_refused(decode_describe_service_revisions, deployment_shapes::describe_service_revisions,
                R"({"serviceRevisionArns":["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17",
                    "18","19","20","21"]})",
                "serviceRevisionArns takes 1 to 20 ARNs; 21 were given.");
  check_refused(decode_stop_service_deployment, deployment_shapes::stop_service_deployment,
                R"({"serviceDeploymentArn":"a","stopType":"ABORT"})",
                "stopType ABORT applies to blue/green deployments; berth's rolling deployments stop by ROLLBACK.");
  check_refused(decode_list_services_by_namespace, deployment_shapes::list_services_by_namespace, R"({"namespace":""})",
                "namespace must not be empty.");

  // The shapes refuse unknown statuses, stop types and actions before any decoder runs.
  for (const auto& [shape, body] : std::vector<std::pair<const Shape*, const char*>>{
           {&deployment_shapes::list_service_deployments, R"({"service":"web","status":["DONE"]})"},
           {&deployment_shapes::list_service_deployments, R"({"service":"web","maxResults":101})"},
           {&deployment_shapes::stop_service_deployment, R"({"serviceDeploymentArn":"a","stopType":"HALT"})"},
           {&deployment_shapes::continue_service_deployment, R"({"serviceDeploymentArn":"a"})"}}) {
    INFO(body);
    Json json = Json::parse(body);
    CHECK_FALSE(check_shape(json, *shape).has_value());
  }

  auto stop = decode_stop_service_deployment(Json::parse(R"({"serviceDeploymentArn":"a"})"));
  REQUIRE(stop.has_value());
  CHECK(stop->arn == "a");
  auto next = decode_continue_service_deployment(Json::parse(R"({"serviceDeploymentArn":"a","hookId":"h","action":"ROLLBACK"})"));
  REQUIRE(next.has_value());
  CHECK(next->roll_back);
}

TEST_CASE("service deployment replies: ECS's members, times left out until reached", "[model][deployments]") {
  ServiceDeploymentView v;
  v.key = {"plant-7", "web", "2"};
  v.record.id = "2";
  v.record.target_revision = "2";
  v.record.status = ServiceDeploymentStatus::rollback_in_progress;
  v.record.status_reason = "asked";
  v.record.created_at = 1'700'000'000'000;
  v.record.updated_at = 1'700'000'001'500;
  v.record.started_at = 1'700'000'000'500;
  v.record.rollback_revision = "1";
  v.record.rollback_reason = "asked";
  v.record.rollback_started_at = 1'700'000'001'000;
  v.sources = {{"1", RevisionCounts{2, 1, 1}}};
  v.circuit_breaker = true;
  v.failure_threshold = 10;
  const Json described = encode_describe_service_deployments({{v}, {{"x", "MISSING"}}}, k_arns);
  const Json& d = described["serviceDeployments"][0];
  CHECK(d["serviceDeploymentArn"] == k_ecs + "service-deployment/plant-7/web/2");
  CHECK(d["status"] == "ROLLBACK_IN_PROGRESS");
  CHECK(d["startedAt"] == 1700000000.5);
  CHECK_FALSE(d.contains("finishedAt"));
  CHECK_FALSE(d.contains("stoppedAt"));
  CHECK(d["sourceServiceRevisions"][0] == Json::parse(R"({"arn":")" + k_ecs +
                                                       R"(service-revision/plant-7/web/1","requestedTaskCount":2,)"
                                                       R"("runningTaskCount":1,"pendingTaskCount":1})"));
  CHECK(d["rollback"]["serviceRevisionArn"] == k_ecs + "service-revision/plant-7/web/1");
  CHECK(d["deploymentCircuitBreaker"] == Json::parse(R"({"status":"MONITORING","failureCount":0,"threshold":10})"));
  CHECK(described["failures"][0]["reason"] == "MISSING");

  const Json listed = encode_list_service_deployments({{v}, "tok"}, k_arns);
  CHECK(listed["nextToken"] == "tok");
  CHECK(listed["serviceDeployments"][0]["targetServiceRevisionArn"] == k_ecs + "service-revision/plant-7/web/2");
  CHECK_FALSE(listed["serviceDeployments"][0].contains("deploymentConfiguration"));

  ServiceRevisionView rev{{"plant-7", "web", "1"}, ServiceRevision{"1", "web", 3, {}, 1'700'000'000'000}};
  rev.revision.attachments.role_arn = "arn:aws:iam::1:role/r";
  const Json revisions = encode_describe_service_revisions({{rev}, {}}, k_arns);
  const Json& r = revisions["serviceRevisions"][0];
  CHECK(r["taskDefinition"] == k_ecs + "task-definition/web:3");
  CHECK(r["loadBalancers"] == Json::array());
  CHECK_FALSE(r.contains("roleArn"));
}

}  // namespace service_deployment_requests_test
