// berth's store on the replicated store (store/dqlite/store_connection.hpp) against a real
// three-node dqlite cluster in this process: the migrations run once in the replicated database,
// two servers' stores share it, version-checked read-modify-write (update_with_retry) behaves as
// on the SQLite file with writers racing, and a store finds the new leader after the old one stops.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "fixtures/dqlite_cluster.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"
#include "store/dqlite/store_connection.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "store/update_with_retry.hpp"

namespace replicated_store_test {

using namespace berth;
using berth::testing::DqliteCluster;
using berth::testing::Json;

namespace {

std::unique_ptr<store::Store> replicated_store(const std::vector<std::string>& addresses,
                                               const std::string& database = "berth") {
  store::dqlite::StoreOptions options;
  options.addresses = addresses;
  options.database = database;
  auto db = store::dqlite::open_replicated_db(options);
  INFO((db ? std::string() : db.error().message));
  REQUIRE(db);
  auto opened = store::Store::open_on(std::move(*db));
  INFO((opened ? std::string() : opened.error().message));
  REQUIRE(opened);
  return std::move(*opened);
}

// One increment of the service's desired count, version-checked, as svc/service_changes.cpp
// changes a service: read, change, compare-and-set, again when another writer won.
Result<model::Service> add_one(store::Store& store) {
  return store::update_with_retry(1000, Code::server, "kept losing", [&]() -> Result<std::optional<model::Service>> {
    BERTH_ASSIGN(auto found, store.find_service("default", "web"));
    if (!found) return fail(Code::service_not_found, "no service");
    model::Service s = *found;
    ++s.desired_count;
    const long long version = s.version++;
    BERTH_ASSIGN(bool saved, store.replace_service(s, version, {}));
    if (!saved) return std::nullopt;
    return s;
  });
}

}  // namespace

TEST_CASE("replicated store: the migrations run once in the replicated database and a second server's store "
          "shares it; reads see every committed write; the statement kinds the store uses round-trip",
          "[store][dqlite][kernel_aio]") {
  DqliteCluster cluster(3);
  auto first = replicated_store(cluster.addresses);
  // The second server names the nodes in another order: its connection still goes to the leader.
  std::vector<std::string> reversed(cluster.addresses.rbegin(), cluster.addresses.rend());
  auto second = replicated_store(reversed);

  REQUIRE_OK(first->ensure_cluster("default", 1, "000000000000"));
  auto td = first->register_task_definition("web", Json{{"family", "web"}}, {{"team", "a"}}, 5);
  REQUIRE_OK(td);
  CHECK(td->revision == 1);
  auto again = second->register_task_definition("web", Json{{"family", "web"}}, {}, 6);
  REQUIRE_OK(again);
  CHECK(again->revision == 2);  // the family's counter is one, in the replicated database
  auto listed = second->list_task_definitions({});
  REQUIRE_OK(listed);
  REQUIRE(listed->size() == 2);
  CHECK(listed->front().body == Json{{"family", "web"}});
  auto tags = second->tags_of("task-definition/web:1");
  REQUIRE_OK(tags);
  REQUIRE(tags->size() == 1);
  CHECK(tags->front().value == "a");

  // Opening a store again migrates nothing: the schema is at the latest version already.
  const auto before = second->change_count();
  auto third = replicated_store(cluster.addresses);
  CHECK(third->change_count() == 0);
  CHECK(second->change_count() == before);
  auto seen = third->list_task_definitions({});
  REQUIRE_OK(seen);
  CHECK(seen->size() == 2);

  // Each node's copy holds the schema at the latest version (read through the leader's answer
  // to PRAGMA, the statement migrate() reads it with).
  store::dqlite::StoreOptions options;
  options.addresses = cluster.addresses;
  auto db = store::dqlite::open_replicated_db(options);
  REQUIRE(db);
  store::Stmt version(*db, "PRAGMA user_version");
  REQUIRE(version.step().value_or(false));
  CHECK(version.integer(0) == store::latest_schema_version());

  // The other server writes tasks where this one's triggers cannot see: no version of an
  // instance's tasks is ever repeated, so no poll is answered from what it cached
  // (store/instance_task_versions.hpp).
  CHECK(first->instance_tasks_version("default", "i-1") != first->instance_tasks_version("default", "i-1"));
}

TEST_CASE("update_with_retry: two servers' version-checked writes to one service lose no increment, on the "
          "SQLite file and on the replicated store",
          "[store][dqlite][kernel_aio]") {
  const std::string backend = GENERATE("sqlite", "dqlite");
  INFO("backend " << backend);
  berth::testing::TempDir dir;
  std::optional<DqliteCluster> cluster;
  std::unique_ptr<store::Store> a, b;
  if (backend == "sqlite") {
    auto opened_a = store::Store::open(dir.path + "/state.db");
    auto opened_b = store::Store::open(dir.path + "/state.db");
    REQUIRE(opened_a);
    REQUIRE(opened_b);
    a = std::move(*opened_a);
    b = std::move(*opened_b);
  } else {
    cluster.emplace(3);
    a = replicated_store(cluster->addresses);
    b = replicated_store(cluster->addresses);
  }
  REQUIRE_OK(a->ensure_cluster("default", 1, "000000000000"));
  model::Service service;
  service.cluster = "default";
  service.name = "web";
  REQUIRE_OK(a->create_service(service, {}));

  constexpr int k_each = 25;
  std::vector<Error> errors[2];
  auto writer = [&](store::Store& store, std::vector<Error>& out) {
    for (int i = 0; i < k_each; ++i) {
      auto done = add_one(store);
      if (!done) out.push_back(done.error());
    }
  };
  std::thread other(writer, std::ref(*b), std::ref(errors[1]));
  writer(*a, errors[0]);
  other.join();
  for (const auto& list : errors) {
    for (const auto& error : list) FAIL_CHECK(error.message);
  }
  auto final_a = a->find_service("default", "web");
  auto final_b = b->find_service("default", "web");
  REQUIRE_OK(final_a);
  REQUIRE_OK(final_b);
  REQUIRE(*final_a);
  REQUIRE(*final_b);
  CHECK((*final_a)->desired_count == 2 * k_each);
  CHECK((*final_a)->version == 1 + 2 * k_each);
  CHECK((*final_b)->version == (*final_a)->version);
  // A write at a version already replaced is refused on both backends.
  model::Service stale = **final_a;
  auto refused = b->replace_service(stale, 1, {});
  REQUIRE_OK(refused);
  CHECK_FALSE(*refused);
}

TEST_CASE("replicated store: after the leader stops, the store's next call finds the new leader; a transaction "
          "cut off with its connection is not committed",
          "[store][dqlite][kernel_aio]") {
  DqliteCluster cluster(3);
  auto store = replicated_store(cluster.addresses);
  REQUIRE_OK(store->ensure_cluster("default", 1, "000000000000"));
  REQUIRE_OK(store->register_task_definition("web", Json{{"family", "web"}}, {}, 1));

  // A transaction under way on another connection when the leader goes.
  store::dqlite::StoreOptions options;
  options.addresses = cluster.addresses;
  auto cut_off = store::dqlite::open_replicated_db(options);
  REQUIRE(cut_off);
  std::optional<store::Tx> tx(std::in_place, *cut_off);
  REQUIRE(tx->begun());
  store::Stmt insert(*cut_off, "INSERT INTO tags(resource_arn, key, value) VALUES ('probe', 'k', 'v')");
  REQUIRE(insert.run());

  // Stop the node that leads now.
  auto leader = store::dqlite::connect_to_leader(cluster.addresses);
  REQUIRE(leader);
  const auto at = std::ranges::find(cluster.addresses, leader->address()) - cluster.addresses.begin();
  REQUIRE(static_cast<std::size_t>(at) < cluster.nodes.size());
  cluster.nodes[static_cast<std::size_t>(at)].reset();

  // The transaction's next statement and its commit fail; nothing of it runs on a new connection.
  store::Stmt after(*cut_off, "INSERT INTO tags(resource_arn, key, value) VALUES ('probe', 'k2', 'v')");
  CHECK_FALSE(after.run());
  CHECK_FALSE(tx->commit());
  tx.reset();  // rolls back what is left of it

  // The first call fails (its connection went with the node) or already lands on the new leader;
  // within the election's time, one succeeds, and exactly one revision was added per success.
  int successes = 0;
  std::string last_error;
  for (int i = 0; i < 100 && successes == 0; ++i) {
    auto written = store->register_task_definition("web", Json{{"family", "web"}}, {}, 2);
    if (written) {
      ++successes;
      CHECK(written->revision == 2);
    } else {
      last_error = written.error().message;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  INFO(last_error);
  REQUIRE(successes == 1);
  auto listed = store->list_task_definitions({});
  REQUIRE_OK(listed);
  CHECK(listed->size() == 2);
  auto probe = store->tags_of("probe");
  REQUIRE_OK(probe);
  CHECK(probe->empty());
  // The cut-off connection serves again once its transaction is over.
  store::Stmt count(*cut_off, "SELECT count(*) FROM tags WHERE resource_arn = 'probe'");
  auto row = count.step();
  INFO((row ? std::string() : row.error().message));
  REQUIRE(row.value_or(false));
  CHECK(count.integer(0) == 0);
}

TEST_CASE("replicated store: a statement goes as a query when it reads, as a write otherwise", "[store][dqlite]") {
  using store::dqlite::returns_rows;
  CHECK(returns_rows("SELECT body FROM services WHERE name = ?1"));
  CHECK(returns_rows("  -- a comment\n select 1"));
  CHECK(returns_rows("/* lead */ VALUES (1)"));
  CHECK(returns_rows("PRAGMA user_version"));
  CHECK_FALSE(returns_rows("PRAGMA user_version=3"));
  CHECK(returns_rows("WITH x(n) AS (SELECT 1) SELECT n FROM x"));
  CHECK_FALSE(returns_rows("WITH x(n) AS (SELECT 1) INSERT INTO t SELECT n FROM x"));
  CHECK_FALSE(returns_rows("INSERT INTO t(v) VALUES ('SELECT')"));
  CHECK_FALSE(returns_rows("UPDATE t SET v = 1"));
  CHECK_FALSE(returns_rows("DELETE FROM t"));
  // A write named only inside quoted text or a quoted name does not make a WITH a write.
  CHECK(returns_rows("WITH x(n) AS (SELECT 'DELETE') SELECT n, \"update\" FROM x"));
  CHECK_FALSE(returns_rows(""));
}

TEST_CASE("replicated store: a second writer waits for the first's commit, as on the SQLite file, and fails "
          "without a busy timeout",
          "[store][dqlite][kernel_aio]") {
  DqliteCluster cluster(3);
  store::dqlite::StoreOptions options;
  options.addresses = cluster.addresses;
  auto first = store::dqlite::open_replicated_db(options);
  REQUIRE(first);
  REQUIRE(first->exec("CREATE TABLE t(v INTEGER)"));
  options.busy_timeout = std::chrono::milliseconds(0);
  auto impatient = store::dqlite::open_replicated_db(options);
  options.busy_timeout = std::chrono::milliseconds(60000);
  auto patient = store::dqlite::open_replicated_db(options);
  REQUIRE(impatient);
  REQUIRE(patient);

  std::optional<store::Tx> holding(std::in_place, *first);
  REQUIRE(holding->begun());
  REQUIRE(first->exec("INSERT INTO t VALUES (1)"));
  {
    store::Tx refused(*impatient);
    REQUIRE_FALSE(refused.begun());
    CHECK(refused.begun().error().message.find("locked") != std::string::npos);
  }
  std::atomic<bool> trying{false}, begun{false};
  Result<void> waited = fail(Code::server, "not run");
  std::thread second([&] {
    trying = true;
    store::Tx tx(*patient);
    waited = tx.begun();
    if (!waited) return;
    begun = true;
    waited = patient->exec("INSERT INTO t VALUES (2)");
    if (waited) waited = tx.commit();
  });
  // The second writer, trying, cannot begin while the first holds the lock: it begins only after
  // the commit below, and its row comes after the first's.
  while (!trying) std::this_thread::yield();
  REQUIRE(first->exec("INSERT INTO t VALUES (3)"));
  CHECK_FALSE(begun.load());
  REQUIRE(holding->commit());
  holding.reset();
  second.join();
  REQUIRE_OK(waited);
  store::Stmt rows(*first, "SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY rowid)");
  REQUIRE(rows.step().value_or(false));
  CHECK(rows.text(0) == "1,3,2");
}

}  // namespace replicated_store_test
