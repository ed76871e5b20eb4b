#include "model/tag_requests.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"

namespace tag_requests_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

namespace {

const std::string k_arn = "arn:aws:ecs:local:000000000000:cluster/edge";

}  // namespace

TEST_CASE("tag decoders: the resource ARN, tags and keys as ECS checks them", "[model][requests]") {
  auto tagged = decode_tag_resource(Json::parse(R"({"resourceArn":")" + k_arn + R"(","tags":[{"key":"a","value":"1"}]})"));
  REQUIRE(tagged.has_value());
  CHECK(tagged->resource.arn == k_arn);
  CHECK(tagged->resource.parts.resource_type == "cluster");
  CHECK(tagged->resource.parts.resource == "edge");
  CHECK(tagged->tags == std::vector<Tag>{{"a", "1"}});

  check_error(decode_tag_resource(Json::parse(R"({"resourceArn":"default","tags":[{"key":"a"}]})")),
              Code::invalid_parameter, "'default' is not a valid ECS ARN.");
  check_error(decode_tag_resource(Json{{"resourceArn", k_arn}, {"tags", Json::array()}}), Code::invalid_parameter,
              "TagResource needs at least one tag.");
  check_error(decode_tag_resource(Json::parse(R"({"resourceArn":")" + k_arn + R"(","tags":[{"key":"a"},{"key":"a"}]})")),
              Code::invalid_parameter, "Duplicate tag key 'a'.");
  check_error(decode_untag_resource(Json{{"resourceArn", k_arn}, {"tagKeys", Json::array()}}), Code::invalid_parameter,
              "UntagResource needs at least one tag key.");
  check_error(decode_untag_resource(Json{{"resourceArn", k_arn}, {"tagKeys", {"a", "aws:ecs:clusterName"}}}),
              Code::invalid_parameter, "Tag key 'aws:ecs:clusterName' uses the reserved prefix 'aws:'.");
  CHECK(decode_untag_resource(Json{{"resourceArn", k_arn}, {"tagKeys", {"a", "b"}}})->tag_keys ==
        std::vector<std::string>{"a", "b"});
  check_error(decode_list_tags_for_resource(Json{{"resourceArn", "arn:aws:s3:::bucket"}}), Code::invalid_parameter,
              "'arn:aws:s3:::bucket' is not a valid ECS ARN.");
}

TEST_CASE("tag encoders: golden replies", "[model][requests]") {
  CHECK(encode_empty({}).dump() == "{}");
  CHECK(encode_list_tags_for_resource({{"b", "2"}, {"a", ""}}).dump() ==
        R"({"tags":[{"key":"b","value":"2"},{"key":"a","value":""}]})");
  CHECK(encode_list_tags_for_resource({}).dump() == R"({"tags":[]})");
}

}  // namespace tag_requests_test
