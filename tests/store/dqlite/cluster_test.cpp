// berth's dqlite client and node wrapper against a real cluster: three dqlite nodes started in this
// process on loopback ports (no mock), each with its own data dir. Writes go to the leader; each
// node's own copy of the database is read back by dumping it from that node and opening the
// dump with SQLite.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <thread>

#include "fixtures/dqlite_cluster.hpp"
#include "fixtures/temp_dir.hpp"
#include "common/files.hpp"
#include "store/db.hpp"
#include "store/dqlite/client.hpp"
#include "store/dqlite/node.hpp"

namespace cluster_test {

using namespace berth;
using namespace berth::store::dqlite;

namespace {

using berth::testing::free_address;
using Cluster = berth::testing::DqliteCluster;

// The value of `sql` (one integer) on the copy of database `name` that the node at `address`
// holds, or nullopt when that node has no copy yet or the query fails on it.
std::optional<std::int64_t> count_on(const std::string& address, const std::string& name, const std::string& sql) {
  auto connection = Connection::connect(address);
  if (!connection) return std::nullopt;
  auto files = connection->dump(name);
  if (!files || files->size() != 2 || files->front().content.empty()) return std::nullopt;
  berth::testing::TempDir copy;
  for (const auto& file : *files) {
    if (!write_file(copy.path + "/" + file.name, file.content)) return std::nullopt;
  }
  auto db = store::Db::open(copy.path + "/" + name);
  if (!db) return std::nullopt;
  store::Stmt stmt(*db, sql);
  auto row = stmt.step();
  if (!row || !*row) return std::nullopt;
  return stmt.integer(0);
}

// Waits (bounded) until the node at `address` has applied what the leader committed: a follower
// learns the commit index with the next heartbeat.
std::optional<std::int64_t> settled_count_on(const std::string& address, const std::string& name,
                                             const std::string& sql, std::int64_t expected) {
  std::optional<std::int64_t> got;
  for (int i = 0; i < 300; ++i) {
    got = count_on(address, name, sql);
    if (got == expected) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return got;
}

}  // namespace

TEST_CASE("dqlite cluster: writes on the leader reach every node; queries return typed rows; transactions commit "
          "whole; a follower refuses a write and names the leader",
          "[store][dqlite][kernel_aio]") {
  Cluster cluster(3);
  auto found = connect_to_leader(cluster.addresses);
  INFO((found ? std::string() : found.error().message));
  REQUIRE(found);
  Connection& leader = *found;
  REQUIRE(leader.open("berth"));
  REQUIRE(leader.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, ratio REAL, data BLOB, note TEXT, ok BOOLEAN)"));

  SECTION("a write with typed parameters, read back typed on the leader and from each node's own copy") {
    const Value params[] = {std::string("alpha"), 0.5, Blob{std::string("\x00\x01\xff", 3)}, std::monostate{}, true};
    auto inserted = leader.exec("INSERT INTO t(name, ratio, data, note, ok) VALUES (?, ?, ?, ?, ?)", params);
    REQUIRE(inserted);
    CHECK(inserted->rows_affected == 1);
    CHECK(inserted->last_insert_id == 1);
    const Value name[] = {std::string("alpha")};
    auto rows = leader.query("SELECT id, name, ratio, data, note, ok FROM t WHERE name = ?", name);
    INFO((rows ? std::string() : rows.error().message));
    REQUIRE(rows);
    CHECK(rows->columns == std::vector<std::string>{"id", "name", "ratio", "data", "note", "ok"});
    REQUIRE(rows->rows.size() == 1);
    const auto& row = rows->rows.front();
    CHECK(row[0] == Value{std::int64_t{1}});
    CHECK(row[1] == Value{std::string("alpha")});
    CHECK(row[2] == Value{0.5});
    CHECK(row[3] == Value{Blob{std::string("\x00\x01\xff", 3)}});
    CHECK(std::holds_alternative<std::monostate>(row[4]));
    CHECK(row[5] == Value{true});  // declared BOOLEAN: dqlite types it from the declared type
    for (const auto& address : cluster.addresses) {
      INFO("node " << address);
      CHECK(settled_count_on(address, "berth", "SELECT count(*) FROM t WHERE name = 'alpha'", 1) == 1);
    }
  }

  SECTION("a transaction of several statements commits whole on every node, a rolled back one leaves nothing") {
    REQUIRE(leader.exec("BEGIN; INSERT INTO t(name) VALUES ('a'); INSERT INTO t(name) VALUES ('b'); "
                        "UPDATE t SET note = 'in tx' WHERE name IN ('a', 'b'); COMMIT"));
    // The same across requests on one connection.
    REQUIRE(leader.exec("BEGIN"));
    REQUIRE(leader.exec("INSERT INTO t(name) VALUES ('c')"));
    REQUIRE(leader.exec("INSERT INTO t(name) VALUES ('d')"));
    REQUIRE(leader.exec("COMMIT"));
    REQUIRE(leader.exec("BEGIN"));
    REQUIRE(leader.exec("INSERT INTO t(name) VALUES ('never')"));
    REQUIRE(leader.exec("ROLLBACK"));
    auto rows = leader.query("SELECT name, note FROM t ORDER BY id");
    REQUIRE(rows);
    REQUIRE(rows->rows.size() == 4);
    CHECK(rows->rows[0][1] == Value{std::string("in tx")});
    CHECK(rows->rows[3][0] == Value{std::string("d")});
    for (const auto& address : cluster.addresses) {
      INFO("node " << address);
      CHECK(settled_count_on(address, "berth", "SELECT count(*) FROM t", 4) == 4);
      CHECK(count_on(address, "berth", "SELECT count(*) FROM t WHERE name = 'never'") == 0);
    }
  }

  SECTION("a result larger than one message arrives in parts, every row once") {
    REQUIRE(leader.exec("INSERT INTO t(id, name) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                        "WHERE x < 3000) SELECT x, printf('%040d', x) FROM c"));
    auto rows = leader.query("SELECT id, name FROM t ORDER BY id");
    REQUIRE(rows);
    REQUIRE(rows->rows.size() == 3000);
    CHECK(rows->rows.back()[0] == Value{std::int64_t{3000}});
    CHECK(rows->rows.back()[1] == Value{std::string(36, '0') + "3000"});
  }

  SECTION("a follower refuses writes and reads with the leader's address; an error carries SQLite's message") {
    const std::string leader_address = leader.address();
    for (const auto& address : cluster.addresses) {
      if (address == leader_address) continue;
      INFO("follower " << address);
      auto follower = Connection::connect(address);
      REQUIRE(follower);
      REQUIRE(follower->open("berth"));
      auto refused = follower->exec("INSERT INTO t(name) VALUES ('lost')");
      REQUIRE_FALSE(refused);
      REQUIRE(follower->last_failure());
      CHECK(follower->last_failure()->not_leader());
      CHECK(follower->last_failure()->leader_address == leader_address);
      CHECK(refused.error().message.find("the leader is " + leader_address) != std::string::npos);
      auto read = follower->query("SELECT count(*) FROM t");
      REQUIRE_FALSE(read);
      CHECK(follower->last_failure()->leader_address == leader_address);
    }
    auto bad = leader.exec("INSERT INTO nope VALUES (1)");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("no such table: nope") != std::string::npos);
    REQUIRE(leader.last_failure());
    CHECK_FALSE(leader.last_failure()->not_leader());
    // The connection still serves after a failure response.
    auto count = leader.query("SELECT count(*) FROM t WHERE name = 'lost'");
    REQUIRE(count);
    CHECK(count->rows.front()[0] == Value{std::int64_t{0}});
  }
}

TEST_CASE("dqlite node: refuses to start while SIGPIPE would end the process", "[store][dqlite]") {
  berth::testing::TempDir dir;
  struct sigaction by_default {}, before {};
  by_default.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &by_default, &before);
  NodeConfig config;
  config.data_dir = dir.path + "/n";
  config.address = free_address();
  auto node = Node::start(config);
  ::sigaction(SIGPIPE, &before, nullptr);
  REQUIRE_FALSE(node);
  CHECK(node.error().message.find("SIGPIPE") != std::string::npos);
}

TEST_CASE("dqlite cluster: membership lists every node as a voter, and a node restarted on its data dir rejoins as itself",
          "[store][dqlite][kernel_aio]") {
  Cluster cluster(3);
  auto leader = connect_to_leader(cluster.addresses);
  REQUIRE(leader);
  auto members = leader->cluster();
  REQUIRE(members);
  REQUIRE(members->size() == 3);
  for (const auto& member : *members) {
    CHECK(member.role == Role::voter);
    CHECK(std::ranges::find(cluster.addresses, member.address) != cluster.addresses.end());
  }
  // Restart a follower: its id comes back from its data dir and the join is a no-op.
  const auto leader_address = leader->address();
  const auto index = cluster.addresses[1] == leader_address ? 2u : 1u;
  const auto id = cluster.nodes[index]->id();
  cluster.nodes[index].reset();
  NodeConfig config;
  config.data_dir = cluster.dir.path + "/node" + std::to_string(index);
  config.address = cluster.addresses[index];
  config.join = {leader_address};
  config.network_latency = std::chrono::milliseconds(20);
  auto again = Node::start(config);
  INFO((again ? std::string() : again.error().message));
  REQUIRE(again);
  CHECK((*again)->id() == id);
  auto after = leader->cluster();
  REQUIRE(after);
  CHECK(after->size() == 3);
}

}  // namespace cluster_test
