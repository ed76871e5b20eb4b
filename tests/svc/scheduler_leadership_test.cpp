// The scheduler leadership (svc/scheduler_leadership.hpp) between two servers' stores on one
// database: on the SQLite file (two connections) by default, on the replicated store with
// BERTH_TEST_STORE=dqlite (two connections to the shared test cluster). Each server has a clock of
// its own (FakeClock) and a lease the test sets (whether its consensus node leads, or the node's
// error): nothing sleeps, and one server's clock never moves the other's.
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

namespace scheduler_leadership_test {

using namespace berth;
using berth::testing::FakeClock;
using berth::testing::Json;

namespace {

constexpr EpochMs k_check = 1'000;
constexpr EpochMs k_valid = 3'000;

svc::LeadershipSettings leased() {
  svc::LeadershipSettings s;
  s.check_every_ms = k_check;
  s.valid_for_ms = k_valid;
  return s;
}

// What a server's consensus node answers when asked whether it leads; set by the test. Only the
// leadership's round reads it (on the test's thread, or a thread the test joins before it writes).
struct FakeLease {
  Result<bool> answer = false;
  svc::LeadershipLease lease() {
    return [this] { return answer; };
  }
};

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
  FakeLease lease_a, lease_b;
  std::vector<std::optional<std::int64_t>> told_a, told_b;
  svc::SchedulerLeadership a{*store_a, clock_a, "a", leased(), lease_a.lease(), [this](auto term) { told_a.push_back(term); }};
  svc::SchedulerLeadership b{*store_b, clock_b, "b", leased(), lease_b.lease(), [this](auto term) { told_b.push_back(term); }};

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

TEST_CASE("scheduler leadership: the row is taken against the row as seen, and released only by its holder under "
          "its term",
          "[store]") {
  TwoServers s;
  const store::Leadership fresh = s.row();
  CHECK(fresh == store::Leadership{0, ""});

  auto taken = s.store_a->acquire_leadership("a", fresh);
  REQUIRE_OK(taken);
  REQUIRE(*taken);
  CHECK(**taken == store::Leadership{1, "a"});
  // The other connection, with the same stale view, loses.
  auto late = s.store_b->acquire_leadership("b", fresh);
  REQUIRE_OK(late);
  CHECK_FALSE(*late);

  auto takeover = s.store_b->acquire_leadership("b", s.row());
  REQUIRE_OK(takeover);
  REQUIRE(*takeover);
  CHECK(**takeover == store::Leadership{2, "b"});
  CHECK(*s.store_a->release_leadership("a", 1) == false);  // deposed: nothing to release

  // Only the holder releases, only under its term; a takeover against the row before the
  // release then fails.
  CHECK(*s.store_a->release_leadership("a", 2) == false);
  CHECK(*s.store_b->release_leadership("b", 1) == false);
  CHECK(*s.store_b->release_leadership("b", 2) == true);
  CHECK(s.row() == store::Leadership{2, ""});
  auto stale = s.store_a->acquire_leadership("a", store::Leadership{2, "b"});
  REQUIRE_OK(stale);
  CHECK_FALSE(*stale);
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

TEST_CASE("scheduler leadership: the server whose node leads takes the row at once and confirms it writing "
          "nothing; when the lease moves the other takes over at once, and the deposed leader's plan writes "
          "nothing while the new leader's commits",
          "[svc]") {
  TwoServers s;
  s.a.tick();
  CHECK_FALSE(s.a.term());  // its node does not lead: it takes nothing, even a free row
  CHECK(s.row() == store::Leadership{0, ""});
  s.lease_a.answer = true;
  s.a.tick();
  CHECK(s.a.term() == 1);
  CHECK(s.told_a == Told{1});
  s.b.tick();
  CHECK_FALSE(s.b.term());

  // While a's node leads, a confirms its term round after round with reads alone, however long.
  const auto writes_a = s.store_a->change_count();
  const auto writes_b = s.store_b->change_count();
  for (int round = 0; round < 3600; ++round) {
    s.advance(k_check);
    s.a.tick();
    s.b.tick();
    REQUIRE(s.a.term() == 1);
    REQUIRE_FALSE(s.b.term());
  }
  CHECK(s.store_a->change_count() == writes_a);
  CHECK(s.store_b->change_count() == writes_b);
  CHECK(s.row() == store::Leadership{1, "a"});
  CHECK(s.told_a == Told{1});

  // b's node leads now (a's was cut off, and has not noticed: its clock stood still and it ran
  // no round). b takes the row at its next round, without waiting.
  s.lease_b.answer = true;
  s.clock_b.advance_ms(k_check);
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

  // a's next round: were its node still to believe it leads, its term is gone from the row; it
  // stops, and takes the next term (the lease says so), which fences b in turn.
  s.a.tick();
  CHECK(s.told_a == Told{1, std::nullopt, 3});
  // Once its node knows it does not lead, it stops at once and takes nothing.
  s.lease_a.answer = false;
  s.a.tick();
  CHECK_FALSE(s.a.term());
  CHECK(s.told_a == Told{1, std::nullopt, 3, std::nullopt});
  CHECK_FALSE(svc::acting_context(ctx_a));
  s.b.tick();
  CHECK(s.b.term() == 4);
}

TEST_CASE("scheduler leadership: a holder whose node or store does not answer stops acting once its last "
          "confirmation is valid_for old, and takes its own row back under a new term when confirmed again",
          "[svc]") {
  TwoServers s;
  s.lease_a.answer = true;
  s.a.tick();
  REQUIRE(s.a.term() == 1);
  s.lease_a.answer = fail(Code::server, "node unreachable");
  s.clock_a.advance_ms(k_check);
  s.a.tick();
  CHECK(s.a.term() == 1);  // within valid_for of its last confirmation: still leading
  CHECK(s.told_a == Told{1});
  s.clock_a.advance_ms(k_valid - k_check - 1);
  CHECK(s.a.term() == 1);
  s.clock_a.advance_ms(1);
  // term() says so on the clock alone, before any round has run.
  CHECK_FALSE(s.a.term());
  s.a.tick();
  CHECK(s.told_a == Told{1, std::nullopt});

  // Confirmed again: its own row, taken back without waiting, under a new term.
  s.lease_a.answer = true;
  s.clock_a.advance_ms(k_check);
  s.a.tick();
  CHECK(s.a.term() == 2);
  CHECK(s.told_a == Told{1, std::nullopt, 2});
}

TEST_CASE("scheduler leadership: a server whose node leads but whose store refuses the takeover does not lead, and "
          "takes the row once the store accepts writes",
          "[svc]") {
  TwoServers s;
  s.lease_a.answer = true;
  // The store refuses writes to the row (as one cut off from the majority would).
  REQUIRE_OK(s.store_b->exec_for_test("CREATE TRIGGER refuse_takeover BEFORE UPDATE ON scheduler_leadership "
                                      "BEGIN SELECT RAISE(ABORT, 'store unreachable'); END"));
  s.a.tick();
  CHECK_FALSE(s.a.term());
  CHECK(s.told_a.empty());
  CHECK(s.row() == store::Leadership{0, ""});
  REQUIRE_OK(s.store_b->exec_for_test("DROP TRIGGER refuse_takeover"));
  s.clock_a.advance_ms(k_check);
  s.a.tick();
  CHECK(s.a.term() == 1);
  CHECK(s.told_a == Told{1});
}

TEST_CASE("scheduler leadership: two servers whose nodes both believe they lead race for the row: it names one, "
          "and only that one's term is the stored one",
          "[svc]") {
  TwoServers s;
  // An old leader not yet stepped down beside a new one: both leases say yes. Each round's
  // takeovers are version-checked, so the row ends with one holder; the other server may still
  // believe in the term it took before (its writes are refused by the fence) until its next round.
  s.lease_a.answer = true;
  s.lease_b.answer = true;
  std::int64_t last_term = 0;
  for (int round = 0; round < 10; ++round) {
    std::thread other([&] { s.b.tick(); });
    s.a.tick();
    other.join();
    INFO("round " << round);
    const auto row = s.row();
    REQUIRE((row.holder == "a" || row.holder == "b"));
    const auto& holder = row.holder == "a" ? s.a : s.b;
    const auto& other_server = row.holder == "a" ? s.b : s.a;
    CHECK(holder.term() == row.term);
    CHECK((!other_server.term() || *other_server.term() < row.term));
    CHECK(row.term > last_term);  // someone took it over: the terms only grow
    last_term = row.term;
  }
}

TEST_CASE("scheduler leadership: stop() tells the listener first and frees the row; the server whose node leads "
          "next takes it",
          "[svc]") {
  TwoServers s;
  s.lease_a.answer = true;
  s.a.tick();
  s.b.tick();
  REQUIRE(s.a.term() == 1);
  s.a.stop();
  CHECK(s.told_a == Told{1, std::nullopt});
  CHECK(s.row() == store::Leadership{1, ""});
  s.b.tick();
  CHECK_FALSE(s.b.term());  // free, but b's node does not lead yet
  s.lease_b.answer = true;
  s.b.tick();
  CHECK(s.b.term() == 2);
}

TEST_CASE("scheduler leadership: a sole gateway takes the term at start and holds it forever, writing nothing after",
          "[svc]") {
  testing::ServiceFixture f;
  svc::LeadershipSettings sole;
  sole.sole = true;
  std::vector<std::optional<std::int64_t>> told;
  svc::SchedulerLeadership leadership(*f.store, f.clock, "gateway", sole, {}, [&](auto term) { told.push_back(term); });
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
  CHECK(*row == store::Leadership{1, "gateway"});

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
  s.lease_a.answer = true;
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
  s.lease_a.answer = true;
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
  // a confirms its term when the run is due, then its clock stands still; b's node leads now and
  // b takes over.
  s.clock_a.advance_ms(10'000);
  s.a.tick();
  s.lease_b.answer = true;
  s.clock_b.advance_ms(6'000);
  s.b.tick();
  REQUIRE(s.b.term() == 2);
  REQUIRE(s.a.term() == 1);

  svc::ScheduleRunner deposed(ctx_a);
  deposed.pass();  // its claim is refused (logged): nothing written
  auto schedule = svc::get_schedule(ctx_a, Json{{"Name", "nightly"}});
  REQUIRE_OK(schedule);
  CHECK_FALSE(schedule->contains("LastRun"));
  CHECK(task_count(*s.store_a) == 0);

  // b's clock is at +6 s: confirmed at +9 s, it runs what is due at +10 s.
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

TEST_CASE("scheduler leadership: settings whose holder could not confirm its term before it gives up are refused, "
          "and a leadership without a lease does not start",
          "[svc]") {
  svc::LeadershipSettings s = leased();
  CHECK(svc::check_leadership_settings(s).has_value());
  s.check_every_ms = k_valid;
  CHECK_FALSE(svc::check_leadership_settings(s).has_value());
  s.check_every_ms = 0;
  CHECK_FALSE(svc::check_leadership_settings(s).has_value());

  testing::ServiceFixture f;
  svc::SchedulerLeadership leaseless(*f.store, f.clock, "server", leased(), {});
  CHECK_FALSE(leaseless.start().has_value());
}

}  // namespace scheduler_leadership_test
