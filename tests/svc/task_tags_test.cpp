// Tags on services and tasks (TagResource and friends, with ECS's not-found errors per resource
// type), propagateTags and enableECSManagedTags on the tasks RunTask and services start.
#include "svc/task_tags.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/service_scheduler.hpp"

namespace task_tags_test {

using namespace berth;
using berth::testing::check_error;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

const std::string k_prefix = "arn:aws:ecs:local:000000000000:";

struct TaggingFixture : ServiceFixture {
  TaggingFixture() {
    REQUIRE_OK(ecs_call(*ctx, "RegisterContainerInstance",
                        Json::parse(R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":4096},
                                         {"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
    REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition",
                        Json::parse(R"({"family":"job","networkMode":"host","tags":[{"key":"team","value":"td"}],
                                        "containerDefinitions":[{"name":"main","image":"busybox","memory":16}]})")));
  }

  Json tags_of(const std::string& arn) {
    auto listed = ecs_call(*ctx, "ListTagsForResource", Json{{"resourceArn", arn}});
    REQUIRE_OK(listed);
    return (*listed)["tags"];
  }

  std::string run_task(Json extra) {
    Json body{{"taskDefinition", "job"}};
    body.update(extra);
    auto ran = ecs_call(*ctx, "RunTask", body);
    REQUIRE_OK(ran);
    REQUIRE((*ran)["tasks"].size() == 1);
    return (*ran)["tasks"][0]["taskArn"];
  }
};

}  // namespace

TEST_CASE_METHOD(TaggingFixture, "TagResource on services and tasks; each missing resource its own error", "[svc][tags]") {
  REQUIRE_OK(ecs_call(*ctx, "CreateService", Json{{"serviceName", "web"}, {"taskDefinition", "job"}, {"desiredCount", 0}}));
  const std::string service = k_prefix + "service/default/web";
  REQUIRE_OK(ecs_call(*ctx, "TagResource", Json{{"resourceArn", service}, {"tags", {{{"key", "tier"}, {"value", "1"}}}}}));
  CHECK(tags_of(service) == Json::parse(R"([{"key":"tier","value":"1"}])"));
  REQUIRE_OK(ecs_call(*ctx, "UntagResource", Json{{"resourceArn", service}, {"tagKeys", {"tier"}}}));
  CHECK(tags_of(service) == Json::array());

  const std::string task = run_task(Json::object());
  REQUIRE_OK(ecs_call(*ctx, "TagResource", Json{{"resourceArn", task}, {"tags", {{{"key", "a"}, {"value", "b"}}}}}));
  CHECK(tags_of(task) == Json::parse(R"([{"key":"a","value":"b"}])"));

  for (const char* action : {"TagResource", "UntagResource", "ListTagsForResource"}) {
    INFO(action);
    const auto call = [&](const std::string& arn) {
      Json body{{"resourceArn", arn}};
      if (std::string(action) == "TagResource") body["tags"] = {{{"key", "k"}, {"value", "v"}}};
      if (std::string(action) == "UntagResource") body["tagKeys"] = {"k"};
      return ecs_call(*ctx, action, body);
    };
    check_error(call(k_prefix + "service/default/nope"), Code::resource_not_found,
                "The specified service could not be found.");
    check_error(call(k_prefix + "task/default/0123456789abcdef0123456789abcdef"), Code::resource_not_found,
                "The specified task could not be found.");
    check_error(call(k_prefix + "service/gone/web"), Code::cluster_not_found, "Cluster not found.");
    check_error(call(k_prefix + "task/gone/0123"), Code::cluster_not_found, "Cluster not found.");
    check_error(call(k_prefix + "service/web"), Code::invalid_parameter, "Long arn format must be used for tagging operations");
    check_error(call(k_prefix + "task/default/"), Code::invalid_parameter, "Long arn format must be used for tagging operations");
  }
}

TEST_CASE_METHOD(TaggingFixture, "RunTask: propagateTags TASK_DEFINITION and ECS managed tags", "[svc][tags]") {
  CHECK(tags_of(run_task(Json::object())) == Json::array());
  const std::string task = run_task(Json{{"propagateTags", "TASK_DEFINITION"},
                                         {"enableECSManagedTags", true},
                                         {"tags", {{{"key", "own"}, {"value", "1"}}}}});
  CHECK(tags_of(task) == Json::parse(R"([{"key":"aws:ecs:clusterName","value":"default"},
                                         {"key":"own","value":"1"},{"key":"team","value":"td"}])"));
  check_error(ecs_call(*ctx, "RunTask", Json{{"taskDefinition", "job"}, {"propagateTags", "SERVICE"}}),
              Code::invalid_parameter,
              "propagateTags SERVICE applies to a service's tasks; a task started by RunTask or StartTask can take its "
              "task definition's tags (TASK_DEFINITION).");
  // Managed tags do not count against the 50 a caller may set, and a caller cannot remove them.
  // The task has two tags of its own besides the managed one: 48 more make 50.
  Json more = Json::array();
  for (int i = 0; i < 48; ++i) more.push_back({{"key", "k" + std::to_string(i)}, {"value", "v"}});
  REQUIRE_OK(ecs_call(*ctx, "TagResource", Json{{"resourceArn", task}, {"tags", more}}));
  check_error(ecs_call(*ctx, "TagResource", Json{{"resourceArn", task}, {"tags", {{{"key", "one-more"}, {"value", "v"}}}}}),
              Code::invalid_parameter, "A resource can have at most 50 tags.");
  check_error(ecs_call(*ctx, "UntagResource", Json{{"resourceArn", task}, {"tagKeys", {"aws:ecs:clusterName"}}}),
              Code::invalid_parameter, "Tag key 'aws:ecs:clusterName' uses the reserved prefix 'aws:'.");
}

TEST_CASE_METHOD(TaggingFixture, "services: their tasks take the service's or the definition's tags", "[svc][tags]") {
  REQUIRE_OK(ecs_call(*ctx, "CreateService", Json{{"serviceName", "web"}, {"taskDefinition", "job"}, {"desiredCount", 1},
                                                  {"propagateTags", "SERVICE"}, {"enableECSManagedTags", true},
                                                  {"tags", {{{"key", "owner"}, {"value", "ops"}}}}}));
  auto described = ecs_call(*ctx, "DescribeServices", Json{{"services", {"web"}}});
  REQUIRE_OK(described);
  CHECK((*described)["services"][0]["propagateTags"] == "SERVICE");
  CHECK((*described)["services"][0]["enableECSManagedTags"] == true);
  svc::ServiceScheduler scheduler(*ctx);
  scheduler.pass();
  const auto service_tasks = [&] {
    auto listed = ecs_call(*ctx, "ListTasks", Json{{"serviceName", "web"}});
    REQUIRE_OK(listed);
    return (*listed)["taskArns"];
  };
  REQUIRE(service_tasks().size() == 1);
  CHECK(tags_of(service_tasks()[0]) == Json::parse(R"([{"key":"aws:ecs:clusterName","value":"default"},
      {"key":"aws:ecs:serviceName","value":"web"},{"key":"owner","value":"ops"}])"));

  // UpdateService changes the tagging of tasks started afterwards only.
  REQUIRE_OK(ecs_call(*ctx, "UpdateService", Json{{"service", "web"}, {"propagateTags", "TASK_DEFINITION"},
                                                  {"enableECSManagedTags", false}, {"desiredCount", 2}}));
  scheduler.pass();
  const Json arns = service_tasks();
  REQUIRE(arns.size() == 2);
  std::vector<Json> tag_sets{tags_of(arns[0]), tags_of(arns[1])};
  CHECK(std::count(tag_sets.begin(), tag_sets.end(), Json::parse(R"([{"key":"team","value":"td"}])")) == 1);

  auto stored = store->find_service("default", "web");
  REQUIRE_OK(stored);
  CHECK((*stored)->tagging == model::TaskTagging{model::PropagateTags::task_definition, false});
}

TEST_CASE_METHOD(TaggingFixture, "service_task_tags: none for a service that is gone", "[svc][tags]") {
  auto td = store->find_task_definition("job", 1);
  REQUIRE_OK(td);
  auto tags = svc::service_task_tags(*ctx, "default", "nope", **td);
  REQUIRE_OK(tags);
  CHECK(tags->empty());
  CHECK(svc::definition_tag_key(**td) == "task-definition/job:1");
}

}  // namespace task_tags_test
