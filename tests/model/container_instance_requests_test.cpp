#include "model/container_instance_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"

namespace container_instance_requests_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

namespace {

const ArnScope k_arns{"local", "000000000000"};

}  // namespace

TEST_CASE("container instance decoders: members, defaults and ECS's errors", "[model][requests]") {
  auto registered = decode_register_container_instance(Json::parse(R"({"cluster":"edge",
      "attributes":[{"name":"stack","value":"prod"},{"name":"gpu"}],"versionInfo":{"agentVersion":"1"},
      "tags":[{"key":"k","value":"v"}]})"));
  REQUIRE(registered.has_value());
  CHECK(registered->cluster == "edge");
  CHECK_FALSE(registered->instance_arn.has_value());
  CHECK(attributes_to_json(registered->attributes).dump() == R"([{"name":"stack","value":"prod"},{"name":"gpu"}])");
  CHECK(registered->total_resources == Json::array());
  CHECK(registered->version_info->dump() == R"({"agentVersion":"1"})");
  CHECK(registered->tags.size() == 1);
  check_error(decode_register_container_instance(Json::parse(R"({"attributes":[{"name":"bad name"}]})")),
              Code::invalid_parameter,
              "Attribute name 'bad name' must be 1-128 characters of letters, numbers, hyphens, underscores, slashes "
              "and periods.");
  check_error(decode_register_container_instance(Json::parse(R"({"tags":[{"key":""}]})")), Code::invalid_parameter,
              "Tag keys must be 1 to 128 characters long.");

  check_error(decode_describe_container_instances(Json{{"containerInstances", std::vector<std::string>(101, "i")}}),
              Code::invalid_parameter, "DescribeContainerInstances takes at most 100 instances.");
  auto described = decode_describe_container_instances(Json::parse(R"({"containerInstances":["a"],"include":["TAGS"]})"));
  CHECK(described->with_tags);
  CHECK_FALSE(described->cluster.has_value());

  auto listed = decode_list_container_instances(Json{{"status", "DRAINING"}, {"filter", "attribute:x exists"}});
  CHECK(listed->status == InstanceStatus::draining);
  CHECK(listed->filter == "attribute:x exists");
  check_error(decode_list_container_instances(Json{{"nextToken", make_next_token("clusters", "c")}}),
              Code::invalid_parameter, "The nextToken is not valid for this request.");

  auto updated = decode_update_container_instances_state(Json{{"containerInstances", {"a", "b"}}, {"status", "DRAINING"}});
  CHECK(updated->status == InstanceStatus::draining);
  CHECK(updated->instances.size() == 2);

  CHECK(decode_deregister_container_instance(Json{{"containerInstance", "a"}, {"force", true}})->force);
}

TEST_CASE("attribute decoders: limits, values and targets", "[model][requests]") {
  Json many = Json::array();
  for (int i = 0; i < 11; ++i) many.push_back({{"name", "a" + std::to_string(i)}, {"targetId", "t"}});
  check_error(decode_put_attributes(Json{{"attributes", many}}), Code::attribute_limit_exceeded,
              "At most 10 attributes per call.");
  check_error(decode_delete_attributes(Json{{"attributes", many}}), Code::attribute_limit_exceeded,
              "At most 10 attributes per call.");
  check_error(decode_put_attributes(Json::parse(R"({"attributes":[{"name":"a","value":" x"}]})")), Code::invalid_parameter,
              "The value of attribute 'a' must be 1-128 characters without leading or trailing whitespace.");
  check_error(decode_put_attributes(Json::parse(R"({"attributes":[{"name":"a","value":"x"}]})")), Code::invalid_parameter,
              "Attribute 'a' needs a targetId.");
  // DeleteAttributes names attributes to remove: their values are not checked.
  auto removed = decode_delete_attributes(Json::parse(R"({"attributes":[{"name":"a","value":" x","targetId":"t"}]})"));
  REQUIRE(removed.has_value());
  CHECK(removed->attributes[0].value == " x");
  CHECK(removed->attributes[0].target_id == "t");

  auto listed = decode_list_attributes(Json::parse(R"({"targetType":"container-instance","attributeName":"a","attributeValue":"1"})"));
  CHECK(listed->name == "a");
  CHECK(listed->value == "1");
}

TEST_CASE("container instance encoders: golden replies", "[model][requests]") {
  ContainerInstanceDescription d;
  d.instance = ContainerInstance{"0123", "edge", InstanceStatus::draining, Json::parse(R"({"attributes":[{"name":"a"}]})"), 1'700'000'000'000};
  d.usage = {1, 2};
  d.remaining_resources = Json::parse(R"([{"name":"CPU","type":"INTEGER","integerValue":100}])");
  const std::string instance =
      R"({"agentConnected":true,"attributes":[{"name":"a"}],)"
      R"("containerInstanceArn":"arn:aws:ecs:local:000000000000:container-instance/edge/0123","pendingTasksCount":2,)"
      R"("registeredAt":1700000000.0,"registeredResources":[],)"
      R"("remainingResources":[{"integerValue":100,"name":"CPU","type":"INTEGER"}],"runningTasksCount":1,"status":"DRAINING"})";
  CHECK(encode_container_instance_reply({d}, k_arns).dump() == R"({"containerInstance":)" + instance + "}");
  CHECK(encode_container_instances_reply({{d}, {{"arn:x", "MISSING"}}}, k_arns).dump() ==
        R"({"containerInstances":[)" + instance + R"(],"failures":[{"arn":"arn:x","reason":"MISSING"}]})");
  d.tags = std::vector<Tag>{};
  CHECK(encode_container_instances_reply({{d}, {}}, k_arns).dump().find(R"("status":"DRAINING","tags":[]})") !=
        std::string::npos);

  CHECK(encode_list_container_instances({{"arn:1"}, std::nullopt}).dump() == R"({"containerInstanceArns":["arn:1"]})");
  CHECK(encode_attributes_reply({{{"a", "1", "t1"}, {"b", std::nullopt, "t2"}}, std::nullopt}).dump() ==
        R"({"attributes":[{"name":"a","targetId":"t1","targetType":"container-instance","value":"1"},)"
        R"({"name":"b","targetId":"t2","targetType":"container-instance"}]})");
  CHECK(encode_attributes_reply({{}, "MTA="}).dump() == R"({"attributes":[],"nextToken":"MTA="})");
}

}  // namespace container_instance_requests_test
