#include "model/schedule_group.hpp"

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"

namespace schedule_group_test {

using namespace berth;
using namespace berth::model;
using berth::testing::check_error;

namespace {
const ArnScope k_arns{"local", "000000000000"};
}

TEST_CASE("schedule groups: names, ARNs and the wire form", "[model][schedules]") {
  CHECK(is_schedule_name("nightly-1_a.b"));
  CHECK(is_schedule_name(std::string(64, 'a')));
  CHECK(!is_schedule_name(std::string(65, 'a')));
  CHECK(!is_schedule_name(""));
  CHECK(!is_schedule_name("a/b"));
  CHECK(schedule_group_arn(k_arns, "ops") == "arn:aws:scheduler:local:000000000000:schedule-group/ops");
  CHECK(schedule_group_to_json({"ops", 1500, 62000}, k_arns).dump() ==
        R"({"Arn":"arn:aws:scheduler:local:000000000000:schedule-group/ops","CreationDate":1.5,)"
        R"("LastModificationDate":62.0,"Name":"ops","State":"ACTIVE"})");
}

TEST_CASE("read_scheduler_tags: Scheduler's Key/Value tags and their limits", "[model][schedules]") {
  auto tags = read_scheduler_tags(Json::parse(R"([{"Key":"team","Value":"edge"},{"Key":"tier","Value":"1"}])"));
  REQUIRE(tags.has_value());
  CHECK(*tags == std::vector<Tag>{{"team", "edge"}, {"tier", "1"}});
  CHECK(scheduler_tags_to_json(*tags).dump() == R"([{"Key":"team","Value":"edge"},{"Key":"tier","Value":"1"}])");
  CHECK(read_scheduler_tags(Json::array())->empty());

  check_error(read_scheduler_tags(Json::parse(R"([{"Key":"","Value":"x"}])")), Code::validation,
              "Tag keys must be 1 to 128 characters long.");
  check_error(read_scheduler_tags(Json::parse(R"([{"Key":"k","Value":""}])")), Code::validation,
              "The value of tag 'k' must be 1 to 256 characters long.");
  check_error(read_scheduler_tags(Json::parse(R"([{"Key":"AWS:x","Value":"v"}])")), Code::validation,
              "Tag key 'AWS:x' uses the reserved prefix 'aws:'.");
  check_error(read_scheduler_tags(Json::parse(R"([{"Key":"k","Value":"1"},{"Key":"k","Value":"2"}])")),
              Code::validation, "Duplicate tag key 'k'.");
  Json many = Json::array();
  for (int i = 0; i < 51; ++i) many.push_back({{"Key", "k" + std::to_string(i)}, {"Value", "v"}});
  check_error(read_scheduler_tags(many), Code::validation, "A resource can have at most 50 tags.");
}

TEST_CASE("scheduler_tag_key: schedule groups and schedules of this gateway only", "[model][schedules]") {
  const std::string prefix = "arn:aws:scheduler:local:000000000000:";
  CHECK(scheduler_tag_key(prefix + "schedule-group/ops", k_arns).value() == "schedule-group/ops");
  CHECK(scheduler_tag_key(prefix + "schedule/ops/nightly", k_arns).value() == "schedule/ops/nightly");
  const std::string expected_tail = " is not the ARN of a schedule group or schedule (" + prefix +
                                    "schedule-group/NAME or " + prefix + "schedule/GROUP/NAME).";
  for (const std::string& bad : std::vector<std::string>{"arn:aws:scheduler:elsewhere:000000000000:schedule-group/ops",
                                "arn:aws:ecs:local:000000000000:cluster/default", prefix + "schedule-group/a/b",
                                prefix + "schedule/ops", prefix + "schedule/ops/", prefix + "rule/x", prefix}) {
    check_error(scheduler_tag_key(bad, k_arns), Code::validation, "'" + bad + "'" + expected_tail);
  }
}

}  // namespace schedule_group_test
