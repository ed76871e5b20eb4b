// Schedule groups, Scheduler tags, and the RetryPolicy the runner honours, on a fake clock.
#include "svc/schedule_groups.hpp"

#include <limits>

#include <catch2/catch.hpp>

#include "fixtures/check_error.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/schedule_runner.hpp"
#include "svc/schedules.hpp"

namespace schedule_groups_test {

using namespace berth;
using berth::testing::check_error;
using berth::testing::ecs_call;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

const std::string k_scheduler = "arn:aws:scheduler:local:000000000000:";

struct GroupsFixture : ServiceFixture {
  GroupsFixture() {
    REQUIRE_OK(ecs_call(*ctx, "RegisterContainerInstance",
                        Json::parse(R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":4096},
                                         {"name":"MEMORY","type":"INTEGER","integerValue":4096}]})")));
    // More memory than the gateway has: every RunTask of it places nothing.
    REQUIRE_OK(ecs_call(*ctx, "RegisterTaskDefinition",
                        Json::parse(R"({"family":"huge","networkMode":"host",
                                        "containerDefinitions":[{"name":"main","image":"busybox","memory":8192}]})")));
  }

  Json schedule(const std::string& name, Json extra = Json::object()) const {
    Json r{{"Name", name},
           {"ScheduleExpression", "rate(1 hour)"},
           {"FlexibleTimeWindow", {{"Mode", "OFF"}}},
           {"Target", {{"Arn", "arn:aws:ecs:local:000000000000:cluster/default"},
                       {"RoleArn", "arn:aws:iam::000000000000:role/x"},
                       {"EcsParameters", {{"TaskDefinitionArn", "huge"}}}}}};
    r.update(extra);
    return r;
  }
};

}  // namespace

TEST_CASE_METHOD(GroupsFixture, "schedule groups: create, get, list, delete with their schedules", "[svc][schedules]") {
  auto builtin = svc::get_schedule_group(*ctx, Json{{"Name", "default"}});
  REQUIRE_OK(builtin);
  CHECK((*builtin)["State"] == "ACTIVE");

  auto created = svc::create_schedule_group(*ctx, Json{{"Name", "ops"}, {"Tags", {{{"Key", "team"}, {"Value", "edge"}}}}});
  REQUIRE_OK(created);
  CHECK((*created)["ScheduleGroupArn"] == k_scheduler + "schedule-group/ops");
  check_error(svc::create_schedule_group(*ctx, Json{{"Name", "ops"}}), Code::conflict, "Schedule group ops already exists.");
  check_error(svc::create_schedule_group(*ctx, Json{{"Name", "a/b"}}), Code::validation,
              "Name must be 1 to 64 letters, digits, '-', '_' or '.'.");

  REQUIRE_OK(svc::create_schedule_group(*ctx, Json{{"Name", "ops2"}}));
  auto listed = svc::list_schedule_groups(*ctx, Json{{"MaxResults", 2}});
  REQUIRE_OK(listed);
  REQUIRE((*listed)["ScheduleGroups"].size() == 2);
  CHECK((*listed)["ScheduleGroups"][0]["Name"] == "default");
  CHECK((*listed)["ScheduleGroups"][1]["Name"] == "ops");
  auto rest = svc::list_schedule_groups(*ctx, Json{{"NextToken", (*listed)["NextToken"]}});
  REQUIRE_OK(rest);
  CHECK((*rest)["ScheduleGroups"].size() == 1);
  CHECK(!rest->contains("NextToken"));
  CHECK((*svc::list_schedule_groups(*ctx, Json{{"NamePrefix", "op"}}))["ScheduleGroups"].size() == 2);

  // A schedule goes only into a group that exists.
  check_error(svc::create_schedule(*ctx, schedule("nightly", Json{{"GroupName", "nope"}})), Code::resource_not_found,
              "Schedule group nope does not exist.");
  REQUIRE_OK(svc::create_schedule(*ctx, schedule("nightly", Json{{"GroupName", "ops"}})));
  REQUIRE_OK(svc::tag_scheduler_resource(
      *ctx, Json{{"ResourceArn", k_scheduler + "schedule/ops/nightly"}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}}));
  REQUIRE_OK(svc::create_schedule(*ctx, schedule("kept")));

  REQUIRE_OK(svc::delete_schedule_group(*ctx, Json{{"Name", "ops"}}));
  check_error(svc::get_schedule_group(*ctx, Json{{"Name", "ops"}}), Code::resource_not_found,
              "Schedule group ops does not exist.");
  CHECK(!store->find_schedule("ops", "nightly").value());
  CHECK(store->tags_of("schedule/ops/nightly").value().empty());
  CHECK(store->tags_of("schedule-group/ops").value().empty());
  CHECK(store->find_schedule("default", "kept").value());
  check_error(svc::delete_schedule_group(*ctx, Json{{"Name", "ops"}}), Code::resource_not_found,
              "Schedule group ops does not exist.");
  check_error(svc::delete_schedule_group(*ctx, Json{{"Name", "default"}}), Code::validation,
              "The default schedule group cannot be deleted.");
  // A group re-created under that name starts empty and untagged.
  REQUIRE_OK(svc::create_schedule_group(*ctx, Json{{"Name", "ops"}}));
  CHECK((*svc::list_scheduler_resource_tags(*ctx, Json{{"ResourceArn", k_scheduler + "schedule-group/ops"}}))["Tags"] ==
        Json::array());
}

TEST_CASE_METHOD(GroupsFixture, "Scheduler tags on groups and schedules", "[svc][schedules]") {
  REQUIRE_OK(svc::create_schedule_group(*ctx, Json{{"Name", "ops"}, {"Tags", {{{"Key", "team"}, {"Value", "edge"}}}}}));
  const Json group{{"ResourceArn", k_scheduler + "schedule-group/ops"}};
  CHECK((*svc::list_scheduler_resource_tags(*ctx, group))["Tags"] == Json::parse(R"([{"Key":"team","Value":"edge"}])"));
  Json tag = group;
  tag["Tags"] = {{{"Key", "tier"}, {"Value", "1"}}, {{"Key", "team"}, {"Value", "core"}}};
  REQUIRE_OK(svc::tag_scheduler_resource(*ctx, tag));
  CHECK((*svc::list_scheduler_resource_tags(*ctx, group))["Tags"] ==
        Json::parse(R"([{"Key":"team","Value":"core"},{"Key":"tier","Value":"1"}])"));
  Json untag = group;
  untag["TagKeys"] = {"team", "absent"};
  REQUIRE_OK(svc::untag_scheduler_resource(*ctx, untag));
  CHECK((*svc::list_scheduler_resource_tags(*ctx, group))["Tags"] == Json::parse(R"([{"Key":"tier","Value":"1"}])"));

  REQUIRE_OK(svc::create_schedule(*ctx, schedule("nightly")));
  const Json named{{"ResourceArn", k_scheduler + "schedule/default/nightly"}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}};
  REQUIRE_OK(svc::tag_scheduler_resource(*ctx, named));
  REQUIRE_OK(svc::delete_schedule(*ctx, Json{{"Name", "nightly"}}));
  REQUIRE_OK(svc::create_schedule(*ctx, schedule("nightly")));
  // Deleting a schedule took its tags with it.
  CHECK((*svc::list_scheduler_resource_tags(*ctx, Json{{"ResourceArn", named["ResourceArn"]}}))["Tags"] == Json::array());

  check_error(svc::list_scheduler_resource_tags(*ctx, Json{{"ResourceArn", k_scheduler + "schedule-group/nope"}}),
              Code::resource_not_found, "Schedule group nope does not exist.");
  check_error(svc::list_scheduler_resource_tags(*ctx, Json{{"ResourceArn", k_scheduler + "schedule/default/nope"}}),
              Code::resource_not_found, "Schedule nope does not exist.");
  // AWS takes 0 to 200 tags: none is a call that changes nothing.
  REQUIRE_OK(svc::tag_scheduler_resource(*ctx, Json{{"ResourceArn", group["ResourceArn"]}, {"Tags", Json::array()}}));
  CHECK((*svc::list_scheduler_resource_tags(*ctx, group))["Tags"] == Json::parse(R"([{"Key":"tier","Value":"1"}])"));
  check_error(svc::tag_scheduler_resource(*ctx, Json{{"ResourceArn", k_scheduler + "schedule-group/nope"}, {"Tags", Json::array()}}),
              Code::resource_not_found, "Schedule group nope does not exist.");
  check_error(svc::untag_scheduler_resource(*ctx, Json{{"ResourceArn", group["ResourceArn"]}, {"TagKeys", Json::array()}}),
              Code::validation, "UntagResource needs at least one tag key.");
  check_error(svc::list_scheduler_resource_tags(*ctx, Json{{"ResourceArn", "cluster/default"}}), Code::validation,
              "'cluster/default' is not the ARN of a schedule group or schedule (" + k_scheduler +
                  "schedule-group/NAME or " + k_scheduler + "schedule/GROUP/NAME).");
}

TEST_CASE_METHOD(GroupsFixture, "RetryPolicy: GetSchedule shows the defaults; the runner retries failed runs", "[svc][schedules]") {
  REQUIRE_OK(svc::create_schedule(*ctx, schedule("default-policy")));
  auto got = svc::get_schedule(*ctx, Json{{"Name", "default-policy"}});
  REQUIRE_OK(got);
  CHECK((*got)["Target"]["RetryPolicy"] == Json::parse(R"({"MaximumEventAgeInSeconds":86400,"MaximumRetryAttempts":185})"));
  REQUIRE_OK(svc::delete_schedule(*ctx, Json{{"Name", "default-policy"}}));
  check_error(svc::create_schedule(*ctx, schedule("bad", Json{{"Target", {{"Arn", "arn:aws:ecs:local:000000000000:cluster/default"},
      {"EcsParameters", {{"TaskDefinitionArn", "huge"}}}, {"RetryPolicy", {{"MaximumEventAgeInSeconds", 30}}}}}})),
              Code::validation, "Target.RetryPolicy.MaximumEventAgeInSeconds must be 60 to 86400.");

  Json with_policy = schedule("retried");
  with_policy["Target"]["RetryPolicy"] = {{"MaximumRetryAttempts", 2}};
  REQUIRE_OK(svc::create_schedule(*ctx, with_policy));
  svc::ScheduleRunner runner(*ctx);
  const std::int64_t start = clock.now_ms() / 1000;
  const auto last_run = [&] { return store->find_schedule("default", "retried").value()->last_run; };

  clock.advance_ms(3600'000);  // the first run: nothing fits, so it fails and a retry is due a second later
  runner.pass();
  CHECK(last_run()["Result"] == "FAILED");
  CHECK(last_run()["Retry"] == 1);
  CHECK(last_run()["RetryAt"] == start + 3601);
  auto stored = store->find_schedule("default", "retried").value();
  REQUIRE(stored->retry);
  CHECK(stored->wake_at() == start + 3601);

  runner.pass();  // not yet due: nothing happens
  CHECK(last_run()["Retry"] == 1);
  clock.advance_ms(1000);
  runner.pass();
  CHECK(last_run()["Result"] == "FAILED");
  CHECK(last_run()["ScheduledTime"] == start + 3600);
  CHECK(last_run()["Retry"] == 2);
  CHECK(last_run()["RetryAt"] == start + 3603);

  clock.advance_ms(2000);
  runner.pass();  // the second retry fails too, and the policy allows no third
  CHECK(last_run()["Result"] == "FAILED");
  CHECK(!last_run().contains("RetryAt"));
  CHECK(last_run()["Reason"].get<std::string>().ends_with("(RetryPolicy exhausted: no more attempts.)"));
  stored = store->find_schedule("default", "retried").value();
  CHECK(!stored->retry);
  CHECK(stored->wake_at() == start + 7200);  // the next regular run
}

TEST_CASE_METHOD(GroupsFixture, "a schedule is never written into a group deleted since the use case looked",
                 "[svc][schedules]") {
  REQUIRE_OK(svc::create_schedule_group(*ctx, Json{{"Name", "ops"}}));
  REQUIRE_OK(svc::create_schedule(*ctx, schedule("nightly", Json{{"GroupName", "ops"}})));
  auto stored = store->find_schedule("ops", "nightly");
  REQUIRE_OK(stored);
  REQUIRE(*stored);
  const model::Schedule nightly = **stored;
  // What CreateSchedule and UpdateSchedule write once their own check of the group has passed,
  // after a DeleteScheduleGroup committed in between.
  REQUIRE_OK(svc::delete_schedule_group(*ctx, Json{{"Name", "ops"}}));
  check_error(store->create_schedule(nightly), Code::resource_not_found, "Schedule group ops does not exist.");
  check_error(store->replace_schedule(nightly, nightly.version), Code::resource_not_found,
              "Schedule group ops does not exist.");
  CHECK(!store->find_schedule("ops", "nightly").value());
  CHECK(store->due_schedules(std::numeric_limits<std::int64_t>::max()).value().empty());
}

TEST_CASE_METHOD(GroupsFixture, "schedule groups are capped at Scheduler's quota of 500", "[svc][schedules]") {
  // `default` is the first.
  for (std::size_t i = 1; i < model::k_max_schedule_groups; ++i) {
    REQUIRE_OK(store->create_schedule_group({"g" + std::to_string(i), 0, 0}, {}));
  }
  check_error(svc::create_schedule_group(*ctx, Json{{"Name", "one-more"}}), Code::limit_exceeded,
              "There are 500 schedule groups already, the most an account may have: delete one first.");
  CHECK(!store->find_schedule_group("one-more").value());
  // A name that exists is still a conflict, and a deleted group makes room.
  check_error(svc::create_schedule_group(*ctx, Json{{"Name", "g1"}}), Code::conflict, "Schedule group g1 already exists.");
  REQUIRE_OK(svc::delete_schedule_group(*ctx, Json{{"Name", "g1"}}));
  REQUIRE_OK(svc::create_schedule_group(*ctx, Json{{"Name", "one-more"}}));
}

}  // namespace schedule_groups_test
