// The scheduler leadership (svc/scheduler_leadership.hpp) between two servers' stores on one
// database: on the SQLite file (two connections) by default, on the replicated store with
// BERTH_TEST_STORE=dqlite (two connections to the shared test cluster). Each server has a clock of
// its own (FakeClock): nothing sleeps, and one server's clock never moves the other's.
#include "svc/scheduler_leadership.hpp"

#include <catch2/catch.hpp>

#include <thread>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"
#include "svc/scheduler_context.hpp"
#include "svc/schedule_runner.hpp"
#include "svc/schedules.hpp"
#include "svc/service_scheduler.hpp"
#include "svc/tasks.hpp"

using namespace berth;
using berth::testing::FakeClock;
using berth::testing::Json;

namespace {

constexpr EpochMs k_renew = 1'000;
constexpr EpochMs k_takeover = 5'000;
constexpr EpochMs k_margin = 1'000;

svc::LeadershipSettings elected() {
  svc::LeadershipSettings s;
  s.renew_every_ms = k_renew;
  s.takeover_after_ms = k_takeover;
  s.margin_ms = k_margin;
  return s;
}

// A second connection to the test backend's database: a file both open, or one replicated database.
std::unique_ptr<store::Store> open_store(const std::string& file, const std::string& database) {
  Result<std::unique_ptr<store::Store>> opened = fail(Code::server, "not opened");
  if (!testing::replicated_test_store()) {
    opened = store::Store::open(file);
  } else {
    // As the fixture's opening: an election of the shared cluster may cut a migration off.
    for (int attempt = 0; attempt < 3 && !opened; ++attempt) {
      store::dqlite::StoreOptions options;
      options.addresses = testing::shared_dqlite_cluster().addresses;
      options.database = database;
      auto db = store::dqlite::open_replicated_db(options);
      opened = db ? store::Store::open_on(std::move(*db)) : std::unexpected(db.error());
    }
  }
  INFO((opened ? std::string() : opened.error().message));
  REQUIRE(opened.has_value());
  return std::move(*opened);
}

// Two servers, "a" and "b", each with its store connection, clock, context and leadership, and
// what each leadership reported to its listener.
struct TwoServers {
  testing::TempDir dir;
  std::string database = "leadership" + std::to_string(next_database());
  std::unique_ptr<store::Store> store_a = open_store(dir.path + "/state.db", database);
  std::unique_ptr<store::Store> store_b = open_store(dir.path + "/state.db", database);
  FakeClock clock_a, clock_b;
  std::vector<std::optional<std::int64_t>> told_a, told_b;
  svc::SchedulerLeadership a{*store_a, clock_a, "a", elected(), [this](auto term) { told_a.push_back(term); }};
  svc::SchedulerLeadership b{*store_b, clock_b, "b", elected(), [this](auto term) { told_b.push_back(term); }};

  static int next_database() {
    static int databases = 0;
    return ++databases;
  }
  void advance(EpochMs ms) {
    clock_a.advance_ms(ms);
    clock_b.advance_ms(ms);
  }
  store::Leadership row() {
    auto current = store_a->leadership();
    REQUIRE_OK(current);
    return *current;
  }
};

using Told = std::vector<std::optional<std::int64_t>>;

// An instance with room for one 64 MiB task, registered through the API (unfenced).
void register_small_instance(svc::Context& ctx) {
  const Json resources = Json::parse(R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":1024},
                                                          {"name":"MEMORY","type":"INTEGER","integerValue":64}]})");
  REQUIRE_OK(testing::ecs_call(ctx, "RegisterContainerInstance", resources));
}

svc::StartTasks job_request(svc::Context& ctx) {
  REQUIRE_OK(testing::ecs_call(ctx, "RegisterTaskDefinition", Json::parse(R"({"family":"job","networkMode":"host",
      "containerDefinitions":[{"name":"main","image":"busybox","memory":64}]})")));
  auto td = svc::runnable_task_definition_of(ctx, "job");
  REQUIRE_OK(td);
  svc::StartTasks request;
  request.cluster = "default";
  request.definition = *td;
  request.count = 1;
  return request;
}

std::size_t task_count(store::Store& store) {
  auto tasks = store.list_tasks(store::TaskQuery{});
  REQUIRE_OK(tasks);
  return tasks->size();
}

}  // namespace

TEST_CASE("scheduler leadership: the row is taken against the row as seen, renewed and released only by its holder "
          "under its term",
          "[store]") {
  TwoServers s;
  const store::Leadership fresh = s.row();
  CHECK(fresh == store::Leadership{0, "", 0});

  auto taken = s.store_a->acquire_leadership("a", fresh);
  REQUIRE_OK(taken);
  REQUIRE(*taken);
  CHECK(**taken == store::Leadership{1, "a", 0});
  // The other connection, with the same stale view, loses.
  auto late = s.store_b->acquire_leadership("b", fresh);
  REQUIRE_OK(late);
  CHECK_FALSE(*late);

  // Only the holder renews, only under its term.
  CHECK(*s.store_b->renew_leadership("b", 1) == false);
  CHECK(*s.store_a->renew_leadership("a", 2) == false);
  CHECK(*s.store_a->renew_leadership("a", 1) == true);
  CHECK(s.row() == store::Leadership{1, "a", 1});

  // A takeover against the row before that renewal fails: the holder was alive.
  auto stale = s.store_b->acquire_leadership("b", store::Leadership{1, "a", 0});
  REQUIRE_OK(stale);
  CHECK_FALSE(*stale);
  auto takeover = s.store_b->acquire_leadership("b", s.row());
  REQUIRE_OK(takeover);
  REQUIRE(*takeover);
  CHECK((*takeover)->term == 2);
  CHECK(*s.store_a->renew_leadership("a", 1) == false);  // deposed

  CHECK(*s.store_a->release_leadership("a", 2) == false);
  CHECK(*s.store_b->release_leadership("b", 2) == true);
  CHECK(s.row() == store::Leadership{2, "", 1});
}

TEST_CASE("scheduler leadership: a scheduler's write under a moved term is refused with nothing written; the "
          "current term's commits; an API write is not fenced",
          "[store]") {
  TwoServers s;
  REQUIRE_OK(s.store_a->ensure_cluster("default", 1, "000000000000"));
  model::Service service;
  service.cluster = "default";
  service.name = "web";
  REQUIRE_OK(s.store_a->create_service(service, {}));
  REQUIRE(*s.store_a->acquire_leadership("a", s.row()));  // term 1
  REQUIRE(*s.store_b->acquire_leadership("b", s.row()));  // term 2

  auto stored = s.store_a->find_service("default", "web");
  REQUIRE_OK(stored);
  model::Service scaled = **stored;
  scaled.desired_count = 3;
  const long long version = scaled.version++;
  auto refused = s.store_a->replace_service(scaled, version, {}, 1);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Code::server);
  CHECK(refused.error().message.find("term 1") != std::string::npos);
  CHECK(refused.error().message.find("current term is 2 (held by b)") != std::string::npos);
  CHECK((*s.store_b->find_service("default", "web"))->desired_count == 0);

  auto committed = s.store_b->replace_service(scaled, version, {}, 2);
  REQUIRE_OK(committed);
  CHECK(*committed);
  CHECK((*s.store_a->find_service("default", "web"))->desired_count == 3);

  // UpdateService from any server's API carries no term.
  scaled.desired_count = 4;
  CHECK(*s.store_a->replace_service(scaled, scaled.version++, {}) == true);
}

TEST_CASE("scheduler leadership: the first server takes a free row at once; the other takes over only after "
          "seeing it unchanged for the takeover time of its own clock, and the deposed leader's plan writes "
          "nothing while the new leader's commits",
          "[svc]") {
  TwoServers s;
  s.a.tick();
  CHECK(s.a.term() == 1);
  CHECK(s.told_a == Told{1});
  s.b.tick();
  CHECK_FALSE(s.b.term());

  // While a renews, b never takes over, however long it watches.
  for (int round = 0; round < 3 * k_takeover / k_renew; ++round) {
    s.advance(k_renew);
    s.a.tick();
    s.b.tick();
    CHECK(s.a.term() == 1);
    CHECK_FALSE(s.b.term());
  }
  CHECK(s.row().renewals == 3 * k_takeover / k_renew);

  // a stops renewing, and its clock stands still (paused, or cut off with a clock that says no
  // time passed): it still believes it leads. b saw the final row at its last look.
  for (EpochMs waited = k_renew; waited < k_takeover; waited += k_renew) {
    s.clock_b.advance_ms(k_renew);
    s.b.tick();
    INFO("b has seen the row unchanged for " << waited << " ms");
    CHECK_FALSE(s.b.term());
  }
  s.clock_b.advance_ms(k_renew);
  s.b.tick();
  CHECK(s.b.term() == 2);
  CHECK(s.told_b == Told{2});
  CHECK(s.a.term() == 1);  // not told yet

  svc::Context ctx_a(*s.store_a, s.clock_a, ArnScope{"local", "000000000000"}, "default");
  svc::Context ctx_b(*s.store_b, s.clock_b, ArnScope{"local", "000000000000"}, "default");
  ctx_a.leadership = &s.a;
  ctx_b.leadership = &s.b;
  REQUIRE_OK(s.store_a->ensure_cluster("default", s.clock_a.now_ms(), "000000000000"));
  register_small_instance(ctx_a);
  const auto request = job_request(ctx_a);

  auto acting_a = svc::acting_context(ctx_a);
  REQUIRE(acting_a);
  CHECK(acting_a->leader_term == 1);
  auto deposed = svc::start_tasks(*acting_a, request);
  REQUIRE_FALSE(deposed.has_value());
  CHECK(deposed.error().code == Code::server);
  CHECK(deposed.error().message.find("current term is 2 (held by b)") != std::string::npos);
  CHECK(task_count(*s.store_b) == 0);

  auto acting_b = svc::acting_context(ctx_b);
  REQUIRE(acting_b);
  auto started = svc::start_tasks(*acting_b, request);
  REQUIRE_OK(started);
  CHECK(started->tasks.size() == 1);
  CHECK(task_count(*s.store_a) == 1);

  // a's next round finds its term gone: it stops at once.
  s.a.tick();
  CHECK_FALSE(s.a.term());
  CHECK(s.told_a == Told{1, std::nullopt});
  CHECK_FALSE(svc::acting_context(ctx_a));
}

TEST_CASE("scheduler leadership: a holder that cannot renew stops leading before a candidate may take over, and "
          "takes its own row back at once when the store answers again",
          "[svc]") {
  TwoServers s;
  s.a.tick();
  REQUIRE(s.a.term() == 1);
  // The store refuses the renewals (as one cut off from the majority would): a write to the row fails.
  REQUIRE_OK(s.store_b->exec_for_test("CREATE TRIGGER refuse_renewal BEFORE UPDATE ON scheduler_leadership "
                                      "BEGIN SELECT RAISE(ABORT, 'store unreachable'); END"));
  s.clock_a.advance_ms(k_renew);
  s.a.tick();
  CHECK(s.a.term() == 1);  // within the takeover time less the margin: still leading
  CHECK(s.told_a == Told{1});
  s.clock_a.advance_ms(k_takeover - k_margin - k_renew - 1);
  CHECK(s.a.term() == 1);
  s.clock_a.advance_ms(1);
  // term() says so on the clock alone, before any round has run.
  CHECK_FALSE(s.a.term());
  s.a.tick();
  CHECK(s.told_a == Told{1, std::nullopt});

  REQUIRE_OK(s.store_b->exec_for_test("DROP TRIGGER refuse_renewal"));
  s.clock_a.advance_ms(k_renew);
  s.a.tick();
  CHECK(s.a.term() == 2);  // its own row: taken back without waiting, under a new term
  CHECK(s.told_a == Told{1, std::nullopt, 2});
}

TEST_CASE("scheduler leadership: two candidates racing for a free row end with exactly one leader", "[svc]") {
  TwoServers s;
  for (int round = 0; round < 10; ++round) {
    std::thread other([&] { s.b.tick(); });
    s.a.tick();
    other.join();
    const bool a_leads = s.a.term().has_value();
    const bool b_leads = s.b.term().has_value();
    INFO("round " << round);
    REQUIRE(a_leads != b_leads);
    const auto row = s.row();
    CHECK(row.holder == (a_leads ? "a" : "b"));
    CHECK(row.term == round + 1);
    CHECK((a_leads ? s.a.term() : s.b.term()) == row.term);
    // The leader steps down (its release frees the row) and both race again.
    (a_leads ? s.a : s.b).stop();
  }
}

TEST_CASE("scheduler leadership: stop() tells the listener first and frees the row, so another server takes over "
          "without waiting",
          "[svc]") {
  TwoServers s;
  s.a.tick();
  s.b.tick();
  REQUIRE(s.a.term() == 1);
  s.a.stop();
  CHECK(s.told_a == Told{1, std::nullopt});
  CHECK(s.row() == store::Leadership{1, "", 1});
  s.b.tick();
  CHECK(s.b.term() == 2);
}

TEST_CASE("scheduler leadership: a sole gateway takes the term at start and holds it forever, writing nothing after",
          "[svc]") {
  testing::ServiceFixture f;
  svc::LeadershipSettings sole;
  sole.sole = true;
  std::vector<std::optional<std::int64_t>> told;
  svc::SchedulerLeadership leadership(*f.store, f.clock, "gateway", sole, [&](auto term) { told.push_back(term); });
  REQUIRE_OK(leadership.start());
  CHECK(leadership.term() == 1);
  CHECK(told == Told{1});
  const auto writes = f.store->change_count();
  for (int i = 0; i < 5; ++i) {
    f.clock.advance_ms(3'600'000);
    leadership.tick();
  }
  CHECK(leadership.term() == 1);
  CHECK(f.store->change_count() == writes);  // no renewal, ever
  auto row = f.store->leadership();
  REQUIRE_OK(row);
  CHECK(*row == store::Leadership{1, "gateway", 0});

  // Its schedulers' plans carry the term (one read in the plan's transaction).
  f.ctx->leadership = &leadership;
  register_small_instance(*f.ctx);
  const auto request = job_request(*f.ctx);
  auto acting = svc::acting_context(*f.ctx);
  REQUIRE(acting);
  CHECK(acting->leader_term == 1);
  REQUIRE_OK(svc::start_tasks(*acting, request));
  CHECK(task_count(*f.store) == 1);
}

TEST_CASE("scheduler leadership: the service scheduler plans nothing on a server that does not lead", "[svc]") {
  TwoServers s;
  s.a.tick();
  s.b.tick();
  REQUIRE_FALSE(s.b.term());
  svc::Context ctx_b(*s.store_b, s.clock_b, ArnScope{"local", "000000000000"}, "default");
  ctx_b.leadership = &s.b;
  svc::ServiceScheduler follower(ctx_b);
  CHECK_FALSE(follower.pass());
  svc::Context ctx_a(*s.store_a, s.clock_a, ArnScope{"local", "000000000000"}, "default");
  ctx_a.leadership = &s.a;
  svc::ServiceScheduler leader(ctx_a);
  CHECK(leader.pass());
}

TEST_CASE("scheduler leadership: a deposed leader's schedule runner claims nothing and starts nothing; the new "
          "leader's runs the schedule",
          "[svc]") {
  TwoServers s;
  s.a.tick();
  s.b.tick();
  REQUIRE(s.a.term() == 1);
  svc::Context ctx_a(*s.store_a, s.clock_a, ArnScope{"local", "000000000000"}, "default");
  svc::Context ctx_b(*s.store_b, s.clock_b, ArnScope{"local", "000000000000"}, "default");
  ctx_a.leadership = &s.a;
  ctx_b.leadership = &s.b;
  REQUIRE_OK(s.store_a->ensure_cluster("default", s.clock_a.now_ms(), "000000000000"));
  register_small_instance(ctx_a);
  job_request(ctx_a);
  // Both FakeClocks start at 2023-11-14T22:13:20Z: the run is due 10 s later.
  REQUIRE_OK(svc::create_schedule(ctx_a, Json{{"Name", "nightly"},
                                               {"ScheduleExpression", "at(2023-11-14T22:13:30)"},
                                               {"FlexibleTimeWindow", {{"Mode", "OFF"}}},
                                               {"Target", {{"Arn", "arn:aws:ecs:local:000000000000:cluster/default"},
                                                           {"RoleArn", "arn:aws:iam::000000000000:role/x"},
                                                           {"EcsParameters", {{"TaskDefinitionArn", "job"}}}}}}));
  // a renews when the run is due, then its clock stands still; b takes over meanwhile.
  s.clock_a.advance_ms(10'000);
  s.a.tick();
  s.clock_b.advance_ms(k_renew);
  s.b.tick();
  s.clock_b.advance_ms(k_takeover);
  s.b.tick();
  REQUIRE(s.b.term() == 2);
  REQUIRE(s.a.term() == 1);

  svc::ScheduleRunner deposed(ctx_a);
  deposed.pass();  // its claim is refused (logged): nothing written
  auto schedule = svc::get_schedule(ctx_a, Json{{"Name", "nightly"}});
  REQUIRE_OK(schedule);
  CHECK_FALSE(schedule->contains("LastRun"));
  CHECK(task_count(*s.store_a) == 0);

  // b's clock is at +6 s: renewed at +9 s, it runs what is due at +10 s.
  s.clock_b.advance_ms(3'000);
  s.b.tick();
  s.clock_b.advance_ms(1'000);
  REQUIRE(s.b.term() == 2);
  svc::ScheduleRunner leader(ctx_b);
  leader.pass();
  schedule = svc::get_schedule(ctx_b, Json{{"Name", "nightly"}});
  REQUIRE_OK(schedule);
  CHECK((*schedule)["LastRun"]["Result"] == "STARTED");
  CHECK(task_count(*s.store_b) == 1);
}

TEST_CASE("scheduler leadership: settings whose holder could not renew before it gives up are refused", "[svc]") {
  svc::LeadershipSettings s = elected();
  CHECK(svc::check_leadership_settings(s).has_value());
  s.renew_every_ms = k_takeover - k_margin;
  CHECK_FALSE(svc::check_leadership_settings(s).has_value());
  s.renew_every_ms = 0;
  CHECK_FALSE(svc::check_leadership_settings(s).has_value());
}
