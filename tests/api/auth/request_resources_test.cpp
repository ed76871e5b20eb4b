// The IAM action and resources of each request, and the per-cluster boundary they give.
#include "api/auth/request_resources.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <set>

#include "api/ecs_actions.hpp"

namespace request_resources_test {

using namespace berth;
using namespace berth::api::auth;
using model::Json;

namespace {

const RequestContext k_context{ArnScope{"local", "000000000000"}, "default", "ops"};
const std::string k_ecs = "arn:aws:ecs:local:000000000000:";

RequestedAccess access_of(std::string_view service, std::string_view action, const Json& request) {
  auto access = requested_access(k_context, service, action, request);
  INFO(service << ":" << action << " " << request.dump());
  REQUIRE(access.has_value());
  return *access;
}

std::vector<std::string> resources_of(std::string_view action, const Json& request) {
  return access_of("ecs", action, request).resources;
}

Policy policy(std::string_view document) {
  auto parsed = parse_policy(document);
  REQUIRE(parsed.has_value());
  return *parsed;
}

}  // namespace

TEST_CASE("Clusters: the cluster named, the default when none is", "[auth][resources]") {
  CHECK(access_of("ecs", "CreateCluster", {{"clusterName", "plant-7"}}).action == "ecs:CreateCluster");
  CHECK(resources_of("CreateCluster", {{"clusterName", "plant-7"}}) == std::vector{k_ecs + "cluster/plant-7"});
  CHECK(resources_of("CreateCluster", Json::object()) == std::vector{k_ecs + "cluster/default"});
  CHECK(resources_of("DeleteCluster", {{"cluster", k_ecs + "cluster/plant-7"}}) == std::vector{k_ecs + "cluster/plant-7"});
  CHECK(resources_of("DescribeClusters", {{"clusters", {"plant-7", k_ecs + "cluster/plant-8"}}}) ==
        std::vector{k_ecs + "cluster/plant-7", k_ecs + "cluster/plant-8"});
  CHECK(resources_of("DescribeClusters", Json::object()) == std::vector{k_ecs + "cluster/default"});
  CHECK(resources_of("ListClusters", Json::object()) == std::vector<std::string>{"*"});
  // A name to create is a name, even one shaped like an ARN (the use case refuses it).
  CHECK(resources_of("CreateCluster", {{"clusterName", k_ecs + "cluster/plant-7"}}) ==
        std::vector{k_ecs + "cluster/" + k_ecs + "cluster/plant-7"});
  // Another partition spells the same cluster (the use cases ignore it): the canonical ARN.
  CHECK(resources_of("DeleteCluster", {{"cluster", "arn:aws-cn:ecs:local:000000000000:cluster/plant-8"}}) ==
        std::vector{k_ecs + "cluster/plant-8"});
  // One of another account is refused by the use case; evaluated as written.
  CHECK(resources_of("DeleteCluster", {{"cluster", "arn:aws:ecs:local:111111111111:cluster/plant-8"}}) ==
        std::vector<std::string>{"arn:aws:ecs:local:111111111111:cluster/plant-8"});
}

TEST_CASE("Task definitions: family:revision, a bare family as every revision", "[auth][resources]") {
  CHECK(resources_of("RegisterTaskDefinition", {{"family", "web"}, {"containerDefinitions", Json::array()}}) ==
        std::vector{k_ecs + "task-definition/web:*"});
  CHECK(resources_of("DescribeTaskDefinition", {{"taskDefinition", "web:3"}}) == std::vector{k_ecs + "task-definition/web:3"});
  CHECK(resources_of("DescribeTaskDefinition", {{"taskDefinition", "web"}}) == std::vector{k_ecs + "task-definition/web:*"});
  // A revision written "03" and an ARN of another region name web:3 to the use case.
  CHECK(resources_of("DeregisterTaskDefinition", {{"taskDefinition", "arn:aws:ecs:elsewhere:1:task-definition/web:03"}}) ==
        std::vector{k_ecs + "task-definition/web:3"});
  CHECK(resources_of("DeleteTaskDefinitions", {{"taskDefinitions", {"web:1", "db:2"}}}) ==
        std::vector{k_ecs + "task-definition/web:1", k_ecs + "task-definition/db:2"});
  CHECK(resources_of("ListTaskDefinitions", Json::object()) == std::vector<std::string>{"*"});
  CHECK(resources_of("ListTaskDefinitionFamilies", Json::object()) == std::vector<std::string>{"*"});
  CHECK(access_of("ecs", "RegisterTaskDefinition", {{"family", "web"}}).also_needed.empty());
  const auto privileged = access_of("ecs", "RegisterTaskDefinition", {{"family", "web"}, {"networkMode", "host"}});
  REQUIRE(privileged.also_needed.size() == 1);
  CHECK(privileged.also_needed[0].action == "berth:RegisterPrivilegedTaskDefinition");
  CHECK(privileged.also_needed[0].resource == k_ecs + "task-definition/web:*");
}

TEST_CASE("Daemons: ARNs as written, daemon task definitions by family; a privileged one needs more",
          "[auth][resources]") {
  CHECK(resources_of("RegisterDaemonTaskDefinition", {{"family", "logs"}}) ==
        std::vector{k_ecs + "daemon-task-definition/logs:*"});
  CHECK(resources_of("DescribeDaemonTaskDefinition", {{"daemonTaskDefinition", "logs"}}) ==
        std::vector{k_ecs + "daemon-task-definition/logs:*"});
  CHECK(resources_of("DeleteDaemonTaskDefinition", {{"daemonTaskDefinition", "logs:2"}}) ==
        std::vector{k_ecs + "daemon-task-definition/logs:2"});
  CHECK(resources_of("CreateDaemon", {{"daemonName", "logs"}, {"clusterArn", k_ecs + "cluster/plant-7"},
                                      {"daemonTaskDefinitionArn", "logs:1"}}) ==
        std::vector{k_ecs + "daemon/plant-7/logs", k_ecs + "daemon-task-definition/logs:1"});
  CHECK(resources_of("CreateDaemon", {{"daemonName", "logs"}, {"daemonTaskDefinitionArn", "logs:1"}})[0] ==
        k_ecs + "daemon/default/logs");
  CHECK(resources_of("ListDaemons", Json::object()) == std::vector{k_ecs + "cluster/default"});
  CHECK(resources_of("DescribeDaemonRevisions", {{"daemonRevisionArns", {"a", "b"}}}) == std::vector<std::string>{"a", "b"});
  CHECK(access_of("ecs", "RegisterDaemonTaskDefinition", {{"family", "logs"}}).also_needed.empty());
  const auto privileged = access_of("ecs", "RegisterDaemonTaskDefinition",
                                    {{"family", "logs"}, {"containerDefinitions", {{{"name", "m"}, {"privileged", true}}}}});
  REQUIRE(privileged.also_needed.size() == 1);
  CHECK(privileged.also_needed[0].action == "berth:RegisterPrivilegedTaskDefinition");
  CHECK(privileged.also_needed[0].resource == k_ecs + "daemon-task-definition/logs:*");
}

TEST_CASE("Tagging: the resourceArn, as the use case reads it", "[auth][resources]") {
  CHECK(resources_of("TagResource", {{"resourceArn", k_ecs + "cluster/plant-7"}, {"tags", Json::array()}}) ==
        std::vector{k_ecs + "cluster/plant-7"});
  CHECK(resources_of("UntagResource", {{"resourceArn", "arn:aws-cn:ecs:local:000000000000:container-instance/plant-7/ab"}}) ==
        std::vector{k_ecs + "container-instance/plant-7/ab"});
  CHECK(resources_of("ListTagsForResource", {{"resourceArn", k_ecs + "task-definition/web:07"}}) ==
        std::vector{k_ecs + "task-definition/web:7"});
  CHECK(resources_of("ListTagsForResource", {{"resourceArn", "not-an-arn"}}) == std::vector<std::string>{"not-an-arn"});
}

TEST_CASE("Container instances: in the cluster named", "[auth][resources]") {
  CHECK(resources_of("RegisterContainerInstance", {{"cluster", "plant-7"}}) == std::vector{k_ecs + "cluster/plant-7"});
  CHECK(resources_of("RegisterContainerInstance", {{"cluster", "plant-7"}, {"containerInstanceArn", "ab"}}) ==
        std::vector{k_ecs + "cluster/plant-7", k_ecs + "container-instance/plant-7/ab"});
  CHECK(resources_of("DeregisterContainerInstance", {{"cluster", "plant-7"}, {"containerInstance", "ab"}}) ==
        std::vector{k_ecs + "cluster/plant-7", k_ecs + "container-instance/plant-7/ab"});
  CHECK(resources_of("DescribeContainerInstances", {{"containerInstances", {"ab", k_ecs + "container-instance/cd"}}}) ==
        std::vector{k_ecs + "container-instance/default/ab", k_ecs + "container-instance/default/cd"});
  CHECK(resources_of("UpdateContainerInstancesState",
                     {{"cluster", "plant-7"}, {"containerInstances", {k_ecs + "container-instance/plant-8/ab"}}}) ==
        std::vector{k_ecs + "container-instance/plant-8/ab"});
  for (const char* action : {"ListContainerInstances", "PutAttributes", "DeleteAttributes", "ListAttributes"}) {
    CHECK(resources_of(action, {{"cluster", "plant-7"}}) == std::vector{k_ecs + "cluster/plant-7"});
  }
}

TEST_CASE("Tasks: the cluster and the task definition to run; one task ARN per id", "[auth][resources]") {
  CHECK(resources_of("RunTask", {{"cluster", "plant-7"}, {"taskDefinition", "web:2"}}) ==
        std::vector{k_ecs + "cluster/plant-7", k_ecs + "task-definition/web:2"});
  CHECK(resources_of("StartTask", {{"taskDefinition", "web"}, {"containerInstances", {"ab"}}}) ==
        std::vector{k_ecs + "cluster/default", k_ecs + "task-definition/web:*", k_ecs + "container-instance/default/ab"});
  CHECK(resources_of("StopTask", {{"cluster", "plant-7"}, {"task", "0f3c"}}) == std::vector{k_ecs + "task/plant-7/0f3c"});
  CHECK(resources_of("DescribeTasks", {{"cluster", k_ecs + "cluster/plant-7"}, {"tasks", {"0f3c", k_ecs + "task/plant-7/1a2b"}}}) ==
        std::vector{k_ecs + "task/plant-7/0f3c", k_ecs + "task/plant-7/1a2b"});
  // A task ARN of another cluster is not found in this one: evaluated as written.
  CHECK(resources_of("DescribeTasks", {{"cluster", "plant-7"}, {"tasks", {k_ecs + "task/plant-8/0f3c"}}}) ==
        std::vector{k_ecs + "task/plant-8/0f3c"});
  // Nothing listed: still the cluster, never an empty (vacuously allowed) list.
  CHECK(resources_of("DescribeTasks", {{"cluster", "plant-7"}, {"tasks", Json::array()}}) == std::vector{k_ecs + "cluster/plant-7"});
  CHECK(resources_of("ListTasks", {{"cluster", "plant-7"}}) == std::vector{k_ecs + "cluster/plant-7"});
  // Scale-in protection: the tasks it changes or reads; none named (GetTaskProtection): the cluster.
  CHECK(resources_of("UpdateTaskProtection", {{"cluster", "plant-7"}, {"tasks", {"0f3c", k_ecs + "task/plant-7/1a2b"}},
                                              {"protectionEnabled", true}}) ==
        std::vector{k_ecs + "task/plant-7/0f3c", k_ecs + "task/plant-7/1a2b"});
  CHECK(resources_of("GetTaskProtection", {{"cluster", "plant-7"}, {"tasks", {"0f3c"}}}) ==
        std::vector{k_ecs + "task/plant-7/0f3c"});
  CHECK(resources_of("GetTaskProtection", {{"cluster", "plant-7"}}) == std::vector{k_ecs + "cluster/plant-7"});
}

TEST_CASE("Services: the service in its cluster, and the task definition it will run", "[auth][resources]") {
  CHECK(resources_of("CreateService", {{"cluster", "plant-7"}, {"serviceName", "web"}, {"taskDefinition", "web:1"}}) ==
        std::vector{k_ecs + "service/plant-7/web", k_ecs + "task-definition/web:1"});
  CHECK(resources_of("CreateService", {{"cluster", "plant-8"}, {"serviceName", k_ecs + "service/plant-7/web"}}) ==
        std::vector{k_ecs + "service/plant-8/" + k_ecs + "service/plant-7/web"});
  CHECK(resources_of("UpdateService", {{"cluster", "plant-7"}, {"service", "web"}}) == std::vector{k_ecs + "service/plant-7/web"});
  CHECK(resources_of("DeleteService", {{"service", k_ecs + "service/default/web"}}) == std::vector{k_ecs + "service/default/web"});
  CHECK(resources_of("DescribeServices", {{"cluster", "plant-7"}, {"services", {"a", "b"}}}) ==
        std::vector{k_ecs + "service/plant-7/a", k_ecs + "service/plant-7/b"});
  CHECK(resources_of("ListServices", {{"cluster", "plant-7"}}) == std::vector{k_ecs + "cluster/plant-7"});
}

TEST_CASE("Task sets: the service that holds them, and the task definition a new one runs", "[auth][resources]") {
  CHECK(resources_of("CreateTaskSet", {{"cluster", "plant-7"}, {"service", "web"}, {"taskDefinition", "web:2"}}) ==
        std::vector{k_ecs + "service/plant-7/web", k_ecs + "task-definition/web:2"});
  for (const char* action : {"DescribeTaskSets", "UpdateTaskSet", "DeleteTaskSet", "UpdateServicePrimaryTaskSet"}) {
    INFO(action);
    CHECK(resources_of(action, {{"cluster", "plant-7"}, {"service", k_ecs + "service/plant-7/web"}}) ==
          std::vector{k_ecs + "service/plant-7/web"});
  }
}

TEST_CASE("Scheduler: the schedule in its group; a schedule's target is a RunTask", "[auth][resources]") {
  const std::string schedule = "arn:aws:scheduler:local:000000000000:schedule/";
  CHECK(access_of("scheduler", "GetSchedule", {{"Name", "nightly"}}).resources == std::vector{schedule + "default/nightly"});
  CHECK(access_of("scheduler", "DeleteSchedule", {{"Name", "nightly"}, {"GroupName", "g"}}).resources ==
        std::vector{schedule + "g/nightly"});
  CHECK(access_of("scheduler", "ListSchedules", Json::object()).resources == std::vector<std::string>{"*"});
  const Json create{{"Name", "nightly"},
                    {"Target", {{"Arn", k_ecs + "cluster/plant-7"}, {"EcsParameters", {{"TaskDefinitionArn", "backup:4"}}}}}};
  for (const char* action : {"CreateSchedule", "UpdateSchedule"}) {
    const auto access = access_of("scheduler", action, create);
    CHECK(access.action == std::string("scheduler:") + action);
    CHECK(access.resources == std::vector{schedule + "default/nightly"});
    REQUIRE(access.also_needed.size() == 2);
    CHECK(access.also_needed[0].action == "ecs:RunTask");
    CHECK(access.also_needed[0].resource == k_ecs + "cluster/plant-7");
    CHECK(access.also_needed[1].resource == k_ecs + "task-definition/backup:4");
  }
  const std::string group = "arn:aws:scheduler:local:000000000000:schedule-group/";
  for (const char* action : {"CreateScheduleGroup", "GetScheduleGroup", "DeleteScheduleGroup"}) {
    CHECK(access_of("scheduler", action, {{"Name", "ops"}}).resources == std::vector{group + "ops"});
  }
  CHECK(access_of("scheduler", "ListScheduleGroups", Json::object()).resources == std::vector<std::string>{"*"});
  for (const char* action : {"TagResource", "UntagResource", "ListTagsForResource"}) {
    CHECK(access_of("scheduler", action, {{"ResourceArn", schedule + "ops/nightly"}}).resources ==
          std::vector{schedule + "ops/nightly"});
  }
}

TEST_CASE("Secrets Manager: a name matches name-* and name-??????, an ARN is itself", "[auth][resources]") {
  const std::string secret = "arn:aws:secretsmanager:local:000000000000:secret:";
  CHECK(access_of("secretsmanager", "CreateSecret", {{"Name", "db-password"}}).resources ==
        std::vector{secret + "db-password-??????"});
  for (const char* action : {"GetSecretValue", "PutSecretValue", "DescribeSecret", "DeleteSecret"}) {
    CHECK(access_of("secretsmanager", action, {{"SecretId", "db-password"}}).resources == std::vector{secret + "db-password-??????"});
    CHECK(access_of("secretsmanager", action, {{"SecretId", secret + "db-password-AbCdEf"}}).resources ==
          std::vector{secret + "db-password-AbCdEf"});
  }
  CHECK(access_of("secretsmanager", "CreateSecret", {{"Name", secret + "api-AbCdEf"}}).resources ==
        std::vector{secret + secret + "api-AbCdEf-??????"});
  CHECK(access_of("secretsmanager", "ListSecrets", Json::object()).resources == std::vector<std::string>{"*"});
  const auto get = access_of("secretsmanager", "GetSecretValue", {{"SecretId", "db-password"}});
  for (const char* pattern : {"secret:db-*", "secret:db-password-??????", "secret:*"}) {
    const Policy allow = policy(R"({"Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":")" +
                                secret.substr(0, secret.size() - 7) + pattern + R"("}})");
    INFO(pattern);
    CHECK_FALSE(first_refusal(std::span(&allow, 1), get));
  }
  const Policy other = policy(R"({"Statement":{"Effect":"Allow","Action":"secretsmanager:*","Resource":")" + secret + R"(api-*"}})");
  CHECK(first_refusal(std::span(&other, 1), get));
}

TEST_CASE("CloudWatch: alarms by name, metric reads and DescribeAlarms account-wide", "[auth][resources]") {
  const std::string alarm = "arn:aws:cloudwatch:local:000000000000:alarm:";
  CHECK(access_of("cloudwatch", "PutMetricAlarm", {{"AlarmName", "cpu-high"}}).resources == std::vector{alarm + "cpu-high"});
  CHECK(access_of("cloudwatch", "DeleteAlarms", {{"AlarmNames", {"a", "b"}}}).resources ==
        std::vector{alarm + "a", alarm + "b"});
  for (const char* action : {"GetMetricStatistics", "GetMetricData", "ListMetrics", "DescribeAlarms"}) {
    CHECK(access_of("cloudwatch", action, Json::object()).resources == std::vector<std::string>{"*"});
  }
  CHECK(access_of("cloudwatch", "PutMetricAlarm", {{"AlarmName", "x"}}).action == "cloudwatch:PutMetricAlarm");
  CHECK_FALSE(requested_access(k_context, "cloudwatch", "PutMetricData", Json::object()).has_value());
}

TEST_CASE("SSM: one parameter ARN per name, the path's for GetParametersByPath", "[auth][resources]") {
  const std::string parameter = "arn:aws:ssm:local:000000000000:parameter/";
  for (const char* action : {"PutParameter", "GetParameter", "DeleteParameter"}) {
    CHECK(access_of("ssm", action, {{"Name", "/plant-7/db"}}).resources == std::vector{parameter + "plant-7/db"});
  }
  CHECK(access_of("ssm", "GetParameter", {{"Name", "/plant-7/db:3"}}).resources == std::vector{parameter + "plant-7/db"});
  CHECK(access_of("ssm", "GetParameter", {{"Name", parameter + "plant-7/db:label"}}).resources ==
        std::vector{parameter + "plant-7/db"});
  CHECK(access_of("ssm", "DeleteParameter", {{"Name", parameter + "a"}}).resources ==
        std::vector{parameter + parameter + "a"});
  CHECK(access_of("ssm", "DeleteParameters", {{"Names", {"/a", "b"}}}).resources == std::vector{parameter + "a", parameter + "b"});
  CHECK(access_of("ssm", "GetParameters", {{"Names", {"/a", "b"}}}).resources == std::vector{parameter + "a", parameter + "b"});
  CHECK(access_of("ssm", "GetParametersByPath", {{"Path", "/plant-7/"}}).resources == std::vector{parameter + "plant-7"});
  CHECK(access_of("ssm", "DescribeParameters", Json::object()).resources == std::vector<std::string>{"*"});
}

TEST_CASE("Key admin: the IAM user named, else the caller", "[auth][resources]") {
  for (const char* action : {"CreateAccessKey", "ListAccessKeys", "DeleteAccessKey"}) {
    CHECK(access_of("iam", action, {{"UserName", "plant-7"}}).resources ==
          std::vector<std::string>{"arn:aws:iam::000000000000:user/plant-7"});
    CHECK(access_of("iam", action, Json::object()).resources == std::vector<std::string>{"arn:aws:iam::000000000000:user/ops"});
  }
}

TEST_CASE("Task logs: the task in its cluster, however the task is spelled", "[auth][resources]") {
  CHECK(access_of("berth", "GetTaskLogs", {{"task", "0f"}}).resources == std::vector{k_ecs + "task/default/0f"});
  CHECK(access_of("berth", "GetTaskLogs", {{"cluster", "plant-8"}, {"task", "0f"}}).resources ==
        std::vector{k_ecs + "task/plant-8/0f"});
  // The old form without the cluster names a task of the cluster given; another partition is the same ARN.
  for (const std::string& task : std::vector<std::string>{k_ecs + "task/0f", "arn:aws-cn:ecs:local:000000000000:task/plant-8/0f"}) {
    CHECK(access_of("berth", "GetTaskLogs", {{"cluster", "plant-8"}, {"task", task}}).resources ==
          std::vector{k_ecs + "task/plant-8/0f"});
  }
}

TEST_CASE("Exec: ExecuteCommand and a berth exec session name the task in its cluster", "[auth][resources]") {
  CHECK(resources_of("ExecuteCommand", {{"cluster", "plant-7"}, {"task", "0f3c"}, {"command", "ls"}, {"interactive", false}}) ==
        std::vector{k_ecs + "task/plant-7/0f3c"});
  const auto session = access_of("berth", "ExecuteCommand", {{"cluster", "plant-8"}, {"task", k_ecs + "task/0f"}});
  CHECK(session.action == "berth:ExecuteCommand");
  CHECK(session.resources == std::vector{k_ecs + "task/plant-8/0f"});
}

TEST_CASE("An action without a rule is refused, never '*'; resources are bounded", "[auth][resources]") {
  for (const auto& [service, action] : std::vector<std::pair<std::string, std::string>>{
           {"ecs", "CreateUnknownThing"}, {"ssm", "LabelParameterVersion"}, {"s3", "GetObject"}, {"ecs", ""}}) {
    const auto access = requested_access(k_context, service, action, Json::object());
    REQUIRE_FALSE(access.has_value());
    CHECK(access.error().code == Code::unknown_operation);
  }
  Json many = Json::array();
  for (std::size_t i = 0; i <= k_max_request_resources; ++i) many.push_back("t" + std::to_string(i));
  const auto too_many = requested_access(k_context, "ecs", "DescribeTasks", {{"tasks", many}});
  REQUIRE_FALSE(too_many.has_value());
  CHECK(too_many.error().code == Code::invalid_parameter);
  many.erase(many.begin());
  CHECK(requested_access(k_context, "ecs", "DescribeTasks", {{"tasks", many}}).has_value());
  // Members of the wrong type (a body that skipped the shape check) never throw.
  CHECK(requested_access(k_context, "ecs", "RunTask", {{"cluster", 7}, {"taskDefinition", Json::array()}}).has_value());
  CHECK(requested_access(k_context, "ecs", "DescribeTasks", Json::array()).has_value());
}

TEST_CASE("first_refusal: every resource and every implied permission must be allowed", "[auth][resources]") {
  const Policy cluster_only = policy(R"({"Statement":{"Effect":"Allow","Action":"ecs:RunTask","Resource":")" + k_ecs +
                                     R"(cluster/plant-7"}})");
  const auto run = access_of("ecs", "RunTask", {{"cluster", "plant-7"}, {"taskDefinition", "web:1"}});
  const auto refusal = first_refusal(std::span(&cluster_only, 1), run);
  REQUIRE(refusal);
  CHECK(refusal->decision == Decision::implicit_deny);
  CHECK(refusal->resource == k_ecs + "task-definition/web:1");

  const Policy registers = policy(R"({"Statement":{"Effect":"Allow","Action":"ecs:RegisterTaskDefinition","Resource":"*"}})");
  const auto privileged = access_of("ecs", "RegisterTaskDefinition",
                                    {{"family", "web"}, {"containerDefinitions", {{{"name", "a"}, {"privileged", true}}}}});
  const auto denied = first_refusal(std::span(&registers, 1), privileged);
  REQUIRE(denied);
  CHECK(denied->action == "berth:RegisterPrivilegedTaskDefinition");
  CHECK_FALSE(first_refusal(std::span(&registers, 1), access_of("ecs", "RegisterTaskDefinition", {{"family", "web"}})));
}

namespace {

// An ECS request of each action aimed at `cluster` (tasks, services, instances and task
// definitions of that cluster's), spelled with names or with full ARNs.
enum class Spelling { names, arns };
using Sample = std::function<Json(const std::string& cluster, Spelling)>;

const std::map<std::string, Sample>& samples() {
  static const auto cluster_id = [](const std::string& c, Spelling s) { return s == Spelling::arns ? k_ecs + "cluster/" + c : c; };
  static const auto member = [](const char* type, const std::string& c, const std::string& id, Spelling s) {
    return s == Spelling::arns ? k_ecs + type + "/" + c + "/" + id : id;
  };
  static const auto family = [](const std::string& c, Spelling s) {
    return s == Spelling::arns ? k_ecs + "task-definition/" + c + "-web:1" : c + "-web:1";
  };
  static const auto in_cluster = [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}}; };
  // Capacity providers are the account's, not a cluster's: this test's keys name them "<cluster>-cp".
  static const auto provider = [](const std::string& c, Spelling s) {
    return s == Spelling::arns ? k_ecs + "capacity-provider/" + c + "-cp" : c + "-cp";
  };
  static const std::map<std::string, Sample> k_samples = {
      {"CreateCluster", [](const std::string& c, Spelling) { return Json{{"clusterName", c}}; }},
      {"DescribeClusters", [](const std::string& c, Spelling s) { return Json{{"clusters", {cluster_id(c, s)}}}; }},
      {"ListClusters", [](const std::string&, Spelling) { return Json::object(); }},
      {"DeleteCluster", in_cluster},
      {"UpdateCluster", in_cluster},
      {"UpdateClusterSettings", in_cluster},
      {"RegisterTaskDefinition", [](const std::string& c, Spelling) { return Json{{"family", c + "-web"}}; }},
      {"DescribeTaskDefinition", [](const std::string& c, Spelling s) { return Json{{"taskDefinition", family(c, s)}}; }},
      {"ListTaskDefinitions", [](const std::string& c, Spelling) { return Json{{"familyPrefix", c}}; }},
      {"ListTaskDefinitionFamilies", [](const std::string& c, Spelling) { return Json{{"familyPrefix", c}}; }},
      {"DeregisterTaskDefinition", [](const std::string& c, Spelling s) { return Json{{"taskDefinition", family(c, s)}}; }},
      {"DeleteTaskDefinitions", [](const std::string& c, Spelling s) { return Json{{"taskDefinitions", {family(c, s)}}}; }},
      {"TagResource", [](const std::string& c, Spelling) { return Json{{"resourceArn", k_ecs + "cluster/" + c}}; }},
      {"UntagResource",
       [](const std::string& c, Spelling) { return Json{{"resourceArn", k_ecs + "container-instance/" + c + "/ab"}}; }},
      {"ListTagsForResource",
       [](const std::string& c, Spelling) { return Json{{"resourceArn", k_ecs + "task-definition/" + c + "-web:1"}}; }},
      {"RegisterContainerInstance", in_cluster},
      {"DeregisterContainerInstance",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"containerInstance", member("container-instance", c, "ab", s)}};
       }},
      {"DescribeContainerInstances",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"containerInstances", {member("container-instance", c, "ab", s)}}};
       }},
      {"ListContainerInstances", in_cluster},
      {"UpdateContainerInstancesState",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"containerInstances", {member("container-instance", c, "ab", s)}},
                     {"status", "DRAINING"}};
       }},
      {"PutAttributes", in_cluster},
      {"DeleteAttributes", in_cluster},
      {"ListAttributes", in_cluster},
      {"RunTask", [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}, {"taskDefinition", family(c, s)}}; }},
      {"StartTask",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"taskDefinition", family(c, s)},
                     {"containerInstances", {member("container-instance", c, "ab", s)}}};
       }},
      {"StopTask", [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}, {"task", member("task", c, "0f", s)}}; }},
      {"ExecuteCommand",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"task", member("task", c, "0f", s)}, {"command", "ls"}, {"interactive", false}};
       }},
      {"DescribeTasks",
       [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}, {"tasks", {member("task", c, "0f", s)}}}; }},
      {"ListTasks", in_cluster},
      {"UpdateTaskProtection",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"tasks", {member("task", c, "0f", s)}}, {"protectionEnabled", true}};
       }},
      {"GetTaskProtection",
       [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}, {"tasks", {member("task", c, "0f", s)}}}; }},
      {"CreateService",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"serviceName", "web"}, {"taskDefinition", family(c, s)}};
       }},
      {"UpdateService",
       [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}, {"service", member("service", c, "web", s)}}; }},
      {"DeleteService",
       [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}, {"service", member("service", c, "web", s)}}; }},
      {"DescribeServices",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"services", {member("service", c, "web", s)}}};
       }},
      {"ListServices", in_cluster},
      {"CreateCapacityProvider", [](const std::string& c, Spelling) { return Json{{"name", c + "-cp"}}; }},
      {"DescribeCapacityProviders", [](const std::string& c, Spelling s) { return Json{{"capacityProviders", {provider(c, s)}}}; }},
      {"UpdateCapacityProvider", [](const std::string& c, Spelling s) { return Json{{"name", provider(c, s)}}; }},
      {"DeleteCapacityProvider", [](const std::string& c, Spelling s) { return Json{{"capacityProvider", provider(c, s)}}; }},
      {"PutClusterCapacityProviders", in_cluster},
      // Daemons: by ARN only (the cluster in it), their task definitions by family.
      {"RegisterDaemonTaskDefinition", [](const std::string& c, Spelling) { return Json{{"family", c + "-logs"}}; }},
      {"DescribeDaemonTaskDefinition", [](const std::string& c, Spelling) { return Json{{"daemonTaskDefinition", c + "-logs:1"}}; }},
      {"DeleteDaemonTaskDefinition", [](const std::string& c, Spelling) { return Json{{"daemonTaskDefinition", c + "-logs:1"}}; }},
      {"ListDaemonTaskDefinitions", [](const std::string&, Spelling) { return Json::object(); }},
      {"CreateDaemon",
       [](const std::string& c, Spelling s) {
         return Json{{"daemonName", "logs"}, {"clusterArn", cluster_id(c, s)}, {"daemonTaskDefinitionArn", c + "-logs:1"}};
       }},
      {"UpdateDaemon",
       [](const std::string& c, Spelling) {
         return Json{{"daemonArn", k_ecs + "daemon/" + c + "/logs"}, {"daemonTaskDefinitionArn", c + "-logs:2"}};
       }},
      {"DescribeDaemon", [](const std::string& c, Spelling) { return Json{{"daemonArn", k_ecs + "daemon/" + c + "/logs"}}; }},
      {"DeleteDaemon", [](const std::string& c, Spelling) { return Json{{"daemonArn", k_ecs + "daemon/" + c + "/logs"}}; }},
      {"ListDaemons", [](const std::string& c, Spelling s) { return Json{{"clusterArn", cluster_id(c, s)}}; }},
      {"ListDaemonDeployments",
       [](const std::string& c, Spelling) { return Json{{"daemonArn", k_ecs + "daemon/" + c + "/logs"}}; }},
      {"DescribeDaemonDeployments",
       [](const std::string& c, Spelling) { return Json{{"daemonDeploymentArns", {k_ecs + "daemon-deployment/" + c + "/logs/1"}}}; }},
      {"DescribeDaemonRevisions",
       [](const std::string& c, Spelling) { return Json{{"daemonRevisionArns", {k_ecs + "daemon-revision/" + c + "/logs/1"}}}; }},
      {"CreateTaskSet",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"service", member("service", c, "web", s)}, {"taskDefinition", family(c, s)}};
       }},
      {"DescribeTaskSets",
       [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}, {"service", member("service", c, "web", s)}}; }},
      {"UpdateTaskSet",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"service", member("service", c, "web", s)}, {"taskSet", "ecs-svc/1"},
                     {"scale", {{"value", 10}}}};
       }},
      {"DeleteTaskSet",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"service", member("service", c, "web", s)}, {"taskSet", "ecs-svc/1"}};
       }},
      {"UpdateServicePrimaryTaskSet",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"service", member("service", c, "web", s)}, {"primaryTaskSet", "ecs-svc/1"}};
       }},
      {"ListServiceDeployments",
       [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}, {"service", member("service", c, "web", s)}}; }},
      {"DescribeServiceDeployments",
       [](const std::string& c, Spelling) { return Json{{"serviceDeploymentArns", {k_ecs + "service-deployment/" + c + "/web/1"}}}; }},
      {"DescribeServiceRevisions",
       [](const std::string& c, Spelling) { return Json{{"serviceRevisionArns", {k_ecs + "service-revision/" + c + "/web/1"}}}; }},
      {"StopServiceDeployment",
       [](const std::string& c, Spelling) { return Json{{"serviceDeploymentArn", k_ecs + "service-deployment/" + c + "/web/1"}}; }},
      {"ContinueServiceDeployment",
       [](const std::string& c, Spelling) {
         return Json{{"serviceDeploymentArn", k_ecs + "service-deployment/" + c + "/web/1"}, {"hookId", "h"}};
       }},
      {"ListServicesByNamespace", [](const std::string&, Spelling) { return Json{{"namespace", "plant"}}; }},
      {"CreateExpressGatewayService", [](const std::string&, Spelling) { return Json::object(); }},
      {"DeleteExpressGatewayService", [](const std::string&, Spelling) { return Json::object(); }},
      {"DescribeExpressGatewayService", [](const std::string&, Spelling) { return Json::object(); }},
      {"UpdateExpressGatewayService", [](const std::string&, Spelling) { return Json::object(); }},
      {"PutAccountSetting", [](const std::string&, Spelling) { return Json{{"name", "containerInsights"}, {"value", "enabled"}}; }},
      {"PutAccountSettingDefault",
       [](const std::string&, Spelling) { return Json{{"name", "containerInsights"}, {"value", "enabled"}}; }},
      {"ListAccountSettings", [](const std::string&, Spelling) { return Json::object(); }},
      {"DeleteAccountSetting", [](const std::string&, Spelling) { return Json{{"name", "containerInsights"}}; }},
      {"DiscoverPollEndpoint", [](const std::string&, Spelling) { return Json::object(); }},
      {"UpdateContainerAgent", [](const std::string&, Spelling) { return Json::object(); }},
      {"SubmitTaskStateChange",
       [](const std::string& c, Spelling s) { return Json{{"cluster", cluster_id(c, s)}, {"task", member("task", c, "0f", s)}}; }},
      {"SubmitContainerStateChange",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"task", member("task", c, "0f", s)}, {"containerName", "web"}};
       }},
      {"SubmitAttachmentStateChanges",
       [](const std::string& c, Spelling s) {
         return Json{{"cluster", cluster_id(c, s)}, {"attachments", {{{"attachmentArn", "a"}, {"status", "ATTACHED"}}}}};
       }},
  };
  return k_samples;
}

// Actions over the whole account: "*", which no per-cluster pattern matches.
// Refused actions (api/refused_action.hpp) are "*" too: they touch nothing.
const std::set<std::string> k_account_wide = {"ListClusters", "ListTaskDefinitions", "ListTaskDefinitionFamilies",
                                              "ListDaemonTaskDefinitions",
                                              "ListServicesByNamespace",
                                              "CreateExpressGatewayService", "DeleteExpressGatewayService",
                                              "DescribeExpressGatewayService", "UpdateExpressGatewayService",
                                              // Account settings and the agent's endpoint: ECS's IAM gives them no resource.
                                              "PutAccountSetting", "PutAccountSettingDefault", "ListAccountSettings",
                                              "DeleteAccountSetting", "DiscoverPollEndpoint", "UpdateContainerAgent"};

}  // namespace

TEST_CASE("A key for one cluster reaches no other cluster by any ECS action", "[auth][resources]") {
  // Allow-list style: this cluster's resources and task definition families.
  const Policy allow_list = policy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":[
      "arn:aws:ecs:local:000000000000:cluster/plant-7", "arn:aws:ecs:local:000000000000:task/plant-7/*",
      "arn:aws:ecs:local:000000000000:service/plant-7/*", "arn:aws:ecs:local:000000000000:container-instance/plant-7/*",
      "arn:aws:ecs:local:000000000000:task-definition/plant-7-*",
      "arn:aws:ecs:local:000000000000:capacity-provider/plant-7-*", "arn:aws:ecs:local:000000000000:daemon/plant-7/*",
      "arn:aws:ecs:local:000000000000:daemon-deployment/plant-7/*", "arn:aws:ecs:local:000000000000:daemon-revision/plant-7/*",
      "arn:aws:ecs:local:000000000000:daemon-task-definition/plant-7-*",
      "arn:aws:ecs:local:000000000000:service-deployment/plant-7/*", "arn:aws:ecs:local:000000000000:service-revision/plant-7/*"]}]})");
  // Deny-list style: everything but another cluster (this catches a mapping to "*" or to the
  // wrong cluster, which an allow-list would refuse anyway).
  const Policy deny_list = policy(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"*","Resource":"*"},
      {"Effect":"Deny","Action":"ecs:*","Resource":"arn:aws:ecs:local:000000000000:*/plant-8*"}]})");

  REQUIRE(api::ecs_actions().size() >= 31);
  for (const api::EcsAction& served : api::ecs_actions()) {
    const std::string action(served.name);
    INFO(action);
    const auto sample = samples().find(action);
    // A new action needs a sample here (and a rule in request_resources.cpp).
    REQUIRE(sample != samples().end());
    for (const Spelling spelling : {Spelling::names, Spelling::arns}) {
      const auto other = requested_access(k_context, "ecs", action, sample->second("plant-8", spelling));
      REQUIRE(other.has_value());
      const auto own = access_of("ecs", action, sample->second("plant-7", spelling));
      if (k_account_wide.contains(action)) {
        CHECK(other->resources == std::vector<std::string>{"*"});
        CHECK(first_refusal(std::span(&allow_list, 1), *other));
        continue;
      }
      CHECK(first_refusal(std::span(&allow_list, 1), *other));
      const auto denied = first_refusal(std::span(&deny_list, 1), *other);
      REQUIRE(denied);
      CHECK(denied->decision == Decision::explicit_deny);
      CHECK_FALSE(first_refusal(std::span(&allow_list, 1), own));
      CHECK_FALSE(first_refusal(std::span(&deny_list, 1), own));
    }
  }

  // Members of another cluster named under this cluster's name are still that cluster's.
  for (const auto& [action, request] : std::vector<std::pair<std::string, Json>>{
           {"DescribeTasks", {{"cluster", "plant-7"}, {"tasks", {k_ecs + "task/plant-8/0f"}}}},
           {"StopTask", {{"cluster", "plant-7"}, {"task", k_ecs + "task/plant-8/0f"}}},
           {"DescribeServices", {{"cluster", "plant-7"}, {"services", {k_ecs + "service/plant-8/web"}}}},
           {"StartTask", {{"cluster", "plant-7"}, {"taskDefinition", "plant-7-web:1"},
                          {"containerInstances", {k_ecs + "container-instance/plant-8/ab"}}}}}) {
    INFO(action);
    CHECK(first_refusal(std::span(&allow_list, 1), access_of("ecs", action, request)));
  }
  // A schedule is a RunTask later: one aimed at another cluster is refused now.
  const auto schedule = access_of("scheduler", "CreateSchedule",
                                  {{"Name", "n"}, {"Target", {{"Arn", k_ecs + "cluster/plant-8"},
                                                              {"EcsParameters", {{"TaskDefinitionArn", "plant-8-web:1"}}}}}});
  CHECK(first_refusal(std::span(&deny_list, 1), schedule));
}

TEST_CASE("Application Auto Scaling: '*', and ecs:UpdateService on the service it will scale", "[auth][resources]") {
  const Json key{{"ServiceNamespace", "ecs"}, {"ResourceId", "service/plant-7/web"},
                 {"ScalableDimension", "ecs:service:DesiredCount"}};
  for (const char* action : {"RegisterScalableTarget", "PutScalingPolicy", "PutScheduledAction"}) {
    const auto access = access_of("application-autoscaling", action, key);
    CHECK(access.action == std::string("application-autoscaling:") + action);
    CHECK(access.resources == std::vector<std::string>{"*"});
    REQUIRE(access.also_needed.size() == 1);
    CHECK(access.also_needed[0].action == "ecs:UpdateService");
    CHECK(access.also_needed[0].resource == k_ecs + "service/plant-7/web");
  }
  for (const char* action : {"DescribeScalableTargets", "DeregisterScalableTarget", "DescribeScalingPolicies",
                             "DeleteScalingPolicy", "DescribeScheduledActions", "DeleteScheduledAction",
                             "DescribeScalingActivities"}) {
    const auto access = access_of("application-autoscaling", action, key);
    CHECK(access.resources == std::vector<std::string>{"*"});
    CHECK(access.also_needed.empty());
  }
  // A ResourceId berth cannot read implies nothing further (the use case refuses it).
  CHECK(access_of("application-autoscaling", "RegisterScalableTarget", {{"ResourceId", "table/x"}}).also_needed.empty());
  CHECK_FALSE(requested_access(k_context, "application-autoscaling", "PutLifecycleHook", Json::object()).has_value());
}

}  // namespace request_resources_test
