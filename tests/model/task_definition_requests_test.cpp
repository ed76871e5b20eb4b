#include "model/task_definition_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/fixtures.hpp"

namespace task_definition_requests_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

namespace {

const ArnScope k_arns{"local", "000000000000"};

}  // namespace

TEST_CASE("task definition decoders: references, filters and ECS's errors", "[model][requests]") {
  auto registered = decode_register_task_definition(berth::testing::make_task_def("web"));
  REQUIRE(registered.has_value());
  CHECK(registered->body["family"] == "web");
  check_error(decode_register_task_definition(Json::parse(R"({"family":"a b","containerDefinitions":[]})")), Code::client,
              "Family contains invalid characters.");

  auto described = decode_describe_task_definition(Json::parse(R"({"taskDefinition":"web:3","include":["TAGS"]})"));
  REQUIRE(described.has_value());
  CHECK(described->ref.family == "web");
  CHECK(described->ref.revision == 3);
  CHECK(described->with_tags);
  check_error(decode_describe_task_definition(Json{{"taskDefinition", "web:foo"}}), Code::invalid_parameter,
              "Invalid revision number. Number: foo");
  check_error(decode_describe_task_definition(Json{{"taskDefinition", "bad/family:1"}}), Code::client,
              "Family contains invalid characters.");

  auto listed = decode_list_task_definitions(Json::parse(R"({"familyPrefix":"web","status":"INACTIVE","sort":"DESC"})"));
  REQUIRE(listed.has_value());
  CHECK(listed->family == "web");
  CHECK(listed->status == TaskDefinitionStatus::inactive);
  CHECK(listed->order == SortOrder::descending);
  auto defaults = decode_list_task_definitions(Json::object());
  CHECK(defaults->status == TaskDefinitionStatus::active);
  CHECK(defaults->order == SortOrder::ascending);
  CHECK_FALSE(defaults->family.has_value());
  check_error(decode_list_task_definitions(Json{{"nextToken", "garbage"}}), Code::invalid_parameter,
              "The nextToken is not valid for this request.");

  auto families = decode_list_task_definition_families(Json{{"status", "ALL"}, {"familyPrefix", "w"}});
  CHECK(families->status == FamilyStatus::all);
  CHECK(families->prefix == "w");

  auto deregistered = decode_deregister_task_definition(Json{{"taskDefinition", k_arns.task_definition("web", 2)}});
  REQUIRE(deregistered.has_value());
  CHECK(deregistered->family == "web");
  CHECK(deregistered->revision == 2);
  check_error(decode_deregister_task_definition(Json{{"taskDefinition", "web"}}), Code::client,
              "A revision is required to deregister a task definition: use family:revision or the full ARN.");

  auto deleted = decode_delete_task_definitions(Json{{"taskDefinitions", {"web:1", "web", "b@d:1"}}});
  REQUIRE(deleted.has_value());
  REQUIRE(deleted->items.size() == 3);
  CHECK(deleted->items[0].ref->revision == 1);
  CHECK(deleted->items[1].problem == "The task definition must be given as family:revision or the full ARN.");
  CHECK(deleted->items[2].problem == "Family contains invalid characters.");
  check_error(decode_delete_task_definitions(Json{{"taskDefinitions", Json::array()}}), Code::invalid_parameter,
              "DeleteTaskDefinitions takes 1 to 10 task definitions.");
  check_error(decode_delete_task_definitions(Json{{"taskDefinitions", std::vector<std::string>(11, "web:1")}}),
              Code::invalid_parameter, "DeleteTaskDefinitions takes 1 to 10 task definitions.");
}

TEST_CASE("task definition encoders: golden replies", "[model][requests]") {
  TaskDefinition td{"web", 2, TaskDefinitionStatus::inactive, Json::parse(R"({"family":"web","containerDefinitions":[]})"), 1'700'000'000'000,
                    1'700'000'001'500};
  const std::string td_json = task_definition_to_json(td, k_arns).dump();
  CHECK(encode_task_definition_reply({td, std::nullopt}, k_arns).dump() == R"({"taskDefinition":)" + td_json + "}");
  CHECK(encode_task_definition_reply({td, std::vector<Tag>{}}, k_arns).dump() ==
        R"({"tags":[],"taskDefinition":)" + td_json + "}");
  CHECK(encode_delete_task_definitions({{td}, {{"web:9", "The specified task definition does not exist."}}}, k_arns)
            .dump() == R"({"failures":[{"arn":"web:9","reason":"The specified task definition does not exist."}],)"
                       R"("taskDefinitions":[)" + td_json + "]}");
  CHECK(encode_list_task_definitions({{"arn:1"}, "t"}).dump() == R"({"nextToken":"t","taskDefinitionArns":["arn:1"]})");
  CHECK(encode_list_task_definition_families({{"web"}, std::nullopt}).dump() == R"({"families":["web"]})");
}

}  // namespace task_definition_requests_test
