// A poll at rest and the cache of instances' poll cursors (svc/instance_poll_cache.hpp): an agent
// that takes it is answered "unchanged" when its wait ends and nothing changed for it; a change
// made while its poll is parked wakes it with the new state, announced or not; a cursor cached
// before a write to the instance's tasks is never served after it. Time is a FakeClock; the
// answerer's passes are the test's own.
#include <catch2/catch.hpp>

#include "fixtures/cluster_call.hpp"
#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/remote_fixture.hpp"
#include "fixtures/test_store.hpp"
#include "svc/instance_poll.hpp"
#include "svc/poll_answerer.hpp"

namespace poll_unchanged_test {

using namespace berth;
using berth::testing::ecs_call;
using berth::testing::Joined;
using berth::testing::Json;
using berth::testing::RemoteFixture;
using berth::testing::StartedPoll;

namespace {

constexpr bool k_accepts_unchanged = true;

// Whether the store tracks its instances' task versions (store/instance_task_versions.hpp): the
// SQLite file does; the replicated store cannot (other servers write too), so there a poll is
// never answered from what was cached, and "unchanged" is never said: each reply is complete.
bool versions_tracked() { return !berth::testing::replicated_test_store(); }

// `a` with one task of `family` on it, reported RUNNING; returns the task's ARN.
std::string running_task(RemoteFixture& f, const Joined& a, const std::string& family = "web") {
  auto started = ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", family}, {"containerInstances", {a.arn}}});
  REQUIRE_OK(started);
  const std::string arn = (*started)["tasks"][0]["taskArn"];
  REQUIRE_OK(f.report(a, arn));
  return arn;
}

// An instance at rest with one running task, polled once (so the cache knows its cursor).
struct AtRest {
  Joined a;
  std::string task_arn, task_id, cursor;
};
AtRest at_rest(RemoteFixture& f) {
  AtRest r{f.join("zone-a"), "", "", ""};
  r.task_arn = running_task(f, r.a);
  r.task_id = r.task_arn.substr(r.task_arn.rfind('/') + 1);
  r.cursor = f.poll(r.a)["cursor"].get<std::string>();
  return r;
}

}  // namespace

TEST_CASE("A poll at rest that takes it is answered \"unchanged\" when its wait ends; others complete",
          "[svc][cluster]") {
  RemoteFixture f;
  svc::PollAnswerer answerer(*f.ctx);  // not started: the test runs its passes
  const Joined a = f.join("zone-a");
  running_task(f, a);
  const Json first = f.poll(a);
  const std::string cursor = first["cursor"];
  REQUIRE(first["tasks"].size() == 1);

  StartedPoll poll(f, a, cursor, 10, k_accepts_unchanged);
  CHECK_FALSE(poll.answered());
  f.clock.advance_ms(10'000);
  CHECK(answerer.pass() == 1);
  REQUIRE(poll.answered());
  CHECK(poll.reply().unchanged == versions_tracked());
  CHECK(poll.reply().cursor == cursor);
  CHECK(poll.reply().tasks.empty() == versions_tracked());
  CHECK(f.agents.last_heard(a.id, 0) == f.clock.now_ms());  // still a heartbeat

  // On the wire: the cursor and the word, nothing listed.
  const Json quick = f.poll(a, Json{{"cursor", cursor}, {"waitSeconds", 0}, {"acceptUnchanged", true}});
  CHECK(quick.contains("unchanged") == versions_tracked());
  CHECK(quick["cursor"] == cursor);
  CHECK(quick.contains("tasks") == !versions_tracked());
  // An agent that does not take it (one before them), or one with another cursor: complete.
  CHECK(f.poll(a, Json{{"cursor", cursor}, {"waitSeconds", 0}})["tasks"].size() == 1);
  const Json other = f.poll(a, Json{{"cursor", "0123"}, {"waitSeconds", 0}, {"acceptUnchanged", true}});
  CHECK_FALSE(other.contains("unchanged"));
  CHECK(other["tasks"].size() == 1);
}

TEST_CASE("A change made while a poll is parked wakes it with the new state; a cached cursor is never stale",
          "[svc][cluster]") {
  RemoteFixture f;
  svc::PollAnswerer answerer(*f.ctx);
  const auto [a, task_arn, task_id, cursor] = at_rest(f);
  // The cache knows the instance at rest now: the poll below parks from it.
  StartedPoll poll(f, a, cursor, 20, k_accepts_unchanged);
  REQUIRE_FALSE(poll.answered());

  SECTION("announced (StopTask): answered at the next pass with the task to stop") {
    REQUIRE_OK(ecs_call(*f.ctx, "StopTask", Json{{"task", task_arn}}));
    CHECK(answerer.pass() == 1);
    REQUIRE(poll.answered());
    CHECK_FALSE(poll.reply().unchanged);
    CHECK(poll.reply().cursor != cursor);
    REQUIRE(poll.reply().tasks.size() == 1);
    CHECK(poll.reply().tasks[0].desired_status == model::TaskStatus::stopped);
  }
  SECTION("written behind everyone's back: the wait's end and the next poll carry it, not \"unchanged\"") {
    f.stop_unannounced(task_id);
    f.clock.advance_ms(20'000);
    CHECK(answerer.pass() == 1);
    REQUIRE(poll.answered());
    CHECK_FALSE(poll.reply().unchanged);
    CHECK(poll.reply().cursor != cursor);
    CHECK(poll.reply().cursor == model::instance_tasks_cursor(poll.reply().tasks));
    StartedPoll again(f, a, cursor, 20, k_accepts_unchanged);
    REQUIRE(again.answered());  // at once: its cursor is stale
    CHECK_FALSE(again.reply().unchanged);
    CHECK(again.reply().cursor == poll.reply().cursor);
  }
  SECTION("an announced change elsewhere wakes it; it parks again from the cache and waits on") {
    const Joined b = f.join("zone-b");
    REQUIRE_OK(ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "web"}, {"containerInstances", {b.arn}}}));
    answerer.pass();
    CHECK_FALSE(poll.answered());
    CHECK(f.agents.waiters() == 1);
    f.clock.advance_ms(20'000);
    CHECK(answerer.pass() == 1);
    REQUIRE(poll.answered());
    CHECK(poll.reply().unchanged == versions_tracked());
  }
  SECTION("what the agent observed keeps the cursor, but the wait's end sends the complete reply once") {
    REQUIRE_OK(f.ecs_call_as(a.user, "SubmitContainerStateChange",
                             Json{{"task", task_arn}, {"containerName", "main"}, {"status", "RUNNING"}, {"exitCode", 0}}));
    f.clock.advance_ms(20'000);
    CHECK(answerer.pass() == 1);
    REQUIRE(poll.answered());
    CHECK_FALSE(poll.reply().unchanged);  // not known to be quiet at the new version until read
    CHECK(poll.reply().cursor == cursor);
    StartedPoll next(f, a, cursor, 5, k_accepts_unchanged);
    f.clock.advance_ms(5'000);
    CHECK(answerer.pass() == 1);
    REQUIRE(next.answered());
    CHECK(next.reply().unchanged == versions_tracked());
  }
}

TEST_CASE("A poll is never answered \"unchanged\" while its instance's tasks have secrets to serve",
          "[svc][cluster][secrets]") {
  RemoteFixture f;
  svc::PollAnswerer answerer(*f.ctx);
  f.add_secret_family();
  const Joined a = f.join("zone-a");
  auto started = ecs_call(*f.ctx, "StartTask", Json{{"taskDefinition", "db"}, {"containerInstances", {a.arn}}});
  REQUIRE_OK(started);
  const Json first = f.poll(a);
  REQUIRE(first["secrets"].size() == 2);
  StartedPoll poll(f, a, first["cursor"], 5, k_accepts_unchanged);
  f.clock.advance_ms(5'000);
  CHECK(answerer.pass() == 1);
  REQUIRE(poll.answered());
  CHECK_FALSE(poll.reply().unchanged);
  REQUIRE(poll.reply().secrets.size() == 2);
  CHECK(poll.reply().secrets[0].value == std::optional<std::string>("s3cr3t"));
}

TEST_CASE("Watching other servers' writes, a write nobody announced here wakes a parked poll at the answerer's "
          "next look; no write, no wake",
          "[svc][cluster]") {
  RemoteFixture f;
  svc::PollAnswerer answerer(*f.ctx, /*watch_other_servers=*/true);
  const auto [a, task_arn, task_id, cursor] = at_rest(f);
  StartedPoll poll(f, a, cursor, 20, k_accepts_unchanged);
  REQUIRE_FALSE(poll.answered());
  // The first look wakes it once (a write may have come before the look); its state is as it
  // read it, so it parks again.
  answerer.look_for_other_servers_writes();
  CHECK(answerer.pass() == 1);
  CHECK_FALSE(poll.answered());
  answerer.look_for_other_servers_writes();  // nothing written since: nothing woken
  CHECK(answerer.pass() == 0);
  CHECK_FALSE(poll.answered());
  // As another server's write would be: to the database, announced to nobody here.
  f.stop_unannounced(task_id);
  answerer.look_for_other_servers_writes();
  CHECK(answerer.pass() == 1);
  REQUIRE(poll.answered());
  CHECK_FALSE(poll.reply().unchanged);
  CHECK(poll.reply().cursor != cursor);
}

}  // namespace poll_unchanged_test
