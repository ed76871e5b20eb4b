#include "model/task_tagging.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"

namespace task_tagging_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

TEST_CASE("read_task_tagging: propagateTags and enableECSManagedTags as ECS takes them", "[model][tags]") {
  auto none = read_task_tagging(Json::object(), TaskStarter::request);
  REQUIRE(none.has_value());
  CHECK(!none->propagate);
  CHECK(!none->managed_tags);
  CHECK(none->applied_to({}) == TaskTagging{});

  auto given = read_task_tagging(Json{{"propagateTags", "TASK_DEFINITION"}, {"enableECSManagedTags", true}},
                                 TaskStarter::request);
  REQUIRE(given.has_value());
  CHECK(given->applied_to({}) == TaskTagging{PropagateTags::task_definition, true});

  auto service = read_task_tagging(Json{{"propagateTags", "SERVICE"}}, TaskStarter::service);
  REQUIRE(service.has_value());
  // A change keeps what it does not name.
  CHECK(service->applied_to({PropagateTags::none, true}) == TaskTagging{PropagateTags::service, true});
  CHECK(read_task_tagging(Json{{"enableECSManagedTags", false}}, TaskStarter::service)
            ->applied_to({PropagateTags::service, true}) == TaskTagging{PropagateTags::service, false});

  check_error(read_task_tagging(Json{{"propagateTags", "SERVICE"}}, TaskStarter::request), Code::invalid_parameter,
              "propagateTags SERVICE applies to a service's tasks; a task started by RunTask or StartTask can take its "
              "task definition's tags (TASK_DEFINITION).");
  check_error(read_task_tagging(Json{{"propagateTags", "ALL"}}, TaskStarter::service), Code::invalid_parameter,
              "propagateTags must be TASK_DEFINITION, SERVICE or NONE.");
  check_error(read_task_tagging(Json{{"propagateTags", 3}}, TaskStarter::service), Code::invalid_parameter,
              "propagateTags must be TASK_DEFINITION, SERVICE or NONE.");
  check_error(read_task_tagging(Json{{"enableECSManagedTags", "yes"}}, TaskStarter::request), Code::invalid_parameter,
              "enableECSManagedTags must be true or false.");
}

TEST_CASE("task_tags: managed, then propagated, then the task's own tags", "[model][tags]") {
  TaskTagSources sources;
  sources.cluster = "edge";
  sources.service = "web";
  sources.definition_tags = {{"team", "td"}, {"tier", "1"}};
  sources.service_tags = {{"team", "svc"}, {"owner", "ops"}};
  sources.own_tags = {{"tier", "own"}};

  CHECK(task_tags({}, sources) == std::vector<Tag>{{"tier", "own"}});
  CHECK(task_tags({PropagateTags::none, true}, sources) ==
        std::vector<Tag>{{"aws:ecs:clusterName", "edge"}, {"aws:ecs:serviceName", "web"}, {"tier", "own"}});
  // The task's own value wins over the propagated one for the same key.
  CHECK(task_tags({PropagateTags::task_definition, false}, sources) == std::vector<Tag>{{"team", "td"}, {"tier", "own"}});
  CHECK(task_tags({PropagateTags::service, false}, sources) ==
        std::vector<Tag>{{"team", "svc"}, {"owner", "ops"}, {"tier", "own"}});

  sources.service.clear();  // RunTask: no service name to tag with
  CHECK(task_tags({PropagateTags::none, true}, sources) ==
        std::vector<Tag>{{"aws:ecs:clusterName", "edge"}, {"tier", "own"}});
}

TEST_CASE("is_reserved_tag_key: aws: in any letter case", "[model][tags]") {
  CHECK(is_reserved_tag_key("aws:ecs:clusterName"));
  CHECK(is_reserved_tag_key("AwS:x"));
  CHECK(!is_reserved_tag_key("aws"));
  CHECK(!is_reserved_tag_key("team:aws:"));
  CHECK(!is_reserved_tag_key(""));
}

}  // namespace task_tagging_test
