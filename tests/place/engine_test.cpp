#include "place/engine.hpp"
#include "place/host_ports.hpp"
#include "place/scale_in.hpp"

#include <catch2/catch.hpp>
#include <map>

namespace engine_test {

using namespace berth;
using namespace berth::place;

namespace {

NodeState make_node(const std::string& id, long long cpu, long long memory, std::map<std::string, std::string> attributes = {}) {
  NodeState n;
  n.facts.id = id;
  n.facts.attributes = std::move(attributes);
  n.cpu_total = cpu;
  n.memory_total = memory;
  n.tcp_in_use = {22};
  return n;
}

TaskAsk make_ask(long long cpu, long long memory, const std::string& group = "family:web") {
  TaskAsk a;
  a.cpu = cpu;
  a.memory = memory;
  a.group = group;
  return a;
}

}  // namespace

TEST_CASE("engine: each filter rejects with ECS's reason", "[place]") {
  std::mt19937_64 rng(1);
  std::vector<NodeState> nodes = {make_node("cpu", 100, 1000), make_node("mem", 1000, 100), make_node("ok", 1000, 1000)};
  nodes.push_back(make_node("draining", 1000, 1000));
  nodes.back().active = false;
  auto ask = make_ask(200, 200);
  ask.tcp_ports = {8080};
  nodes.push_back(make_node("port", 1000, 1000));
  nodes.back().tcp_in_use.insert(8080);
  const auto d = choose(nodes, ask, {}, rng);
  REQUIRE(d.node.has_value());
  CHECK(*d.node == 2);
  CHECK(d.rejections.at(0) == "RESOURCE:CPU");
  CHECK(d.rejections.at(1) == "RESOURCE:MEMORY");
  CHECK(d.rejections.at(3) == "AGENT");
  CHECK(d.rejections.at(4) == "RESOURCE:PORTS");
  auto udp = make_ask(1, 1);
  udp.udp_ports = {53};
  nodes[2].udp_in_use.insert(53);
  CHECK(choose({nodes[2]}, udp, {}, rng).rejections.at(0) == "RESOURCE:PORTS_UDP");
}

TEST_CASE("engine: memberOf and distinctInstance are binding", "[place]") {
  std::mt19937_64 rng(2);
  std::vector<NodeState> nodes = {make_node("a", 1000, 1000, {{"zone", "a"}}), make_node("b", 1000, 1000, {{"zone", "b"}})};
  auto ask = make_ask(1, 1);
  ask.member_of.push_back(*parse_expression("attribute:zone == b"));
  for (int i = 0; i < 20; ++i) CHECK(*choose(nodes, ask, {}, rng).node == 1);
  auto distinct = make_ask(1, 1, "service:db");
  distinct.distinct_instance = true;
  auto first = choose(nodes, distinct, {}, rng);
  commit(nodes[*first.node], distinct);
  auto second = choose(nodes, distinct, {}, rng);
  REQUIRE(second.node.has_value());
  CHECK(*second.node != *first.node);
  commit(nodes[*second.node], distinct);
  auto third = choose(nodes, distinct, {}, rng);
  CHECK_FALSE(third.node.has_value());
  CHECK(third.rejections.at(0) == "ATTRIBUTE");
}

TEST_CASE("engine: binpack picks the node left with the least", "[place]") {
  std::mt19937_64 rng(3);
  std::vector<NodeState> nodes = {make_node("big", 4096, 8192), make_node("small", 1024, 2048), make_node("mid", 2048, 4096)};
  CHECK(*choose(nodes, make_ask(512, 512), {{StrategyType::binpack, "memory"}}, rng).node == 1);
  CHECK(*choose(nodes, make_ask(512, 512), {{StrategyType::binpack, "cpu"}}, rng).node == 1);
}

TEST_CASE("engine: spread balances by instance and by attribute; chaining breaks ties in order", "[place]") {
  std::mt19937_64 rng(4);
  std::vector<NodeState> nodes;
  for (int i = 0; i < 6; ++i) {
    nodes.push_back(make_node("n" + std::to_string(i), 100000, 100000, {{"zone", i < 3 ? "a" : "b"}}));
  }
  nodes[5].cpu_total = 50000;  // the smallest of zone b
  const auto ask = make_ask(10, 10);
  std::map<std::string, int> per_zone;
  for (int i = 0; i < 12; ++i) {
    const auto d = choose(nodes, ask, {{StrategyType::spread, "attribute:zone"}, {StrategyType::spread, "instanceId"}}, rng);
    REQUIRE(d.node.has_value());
    per_zone[nodes[*d.node].facts.attributes.at("zone")] += 1;
    commit(nodes[*d.node], ask);
  }
  CHECK(per_zone["a"] == 6);
  CHECK(per_zone["b"] == 6);
  for (const auto& n : nodes) CHECK(n.group_tasks.at("family:web") == 2);
  // spread then binpack: within the emptiest zone, the fullest node.
  std::vector<NodeState> fresh;
  for (int i = 0; i < 6; ++i) fresh.push_back(make_node("n" + std::to_string(i), i == 4 ? 500 : 100000, 100000, {{"zone", i < 3 ? "a" : "b"}}));
  commit(fresh[0], ask);
  const auto d = choose(fresh, ask, {{StrategyType::spread, "attribute:zone"}, {StrategyType::binpack, "cpu"}}, rng);
  CHECK(*d.node == 4);
}

TEST_CASE("engine: strategy chains are checked", "[place]") {
  CHECK(check_strategies({{StrategyType::binpack, "memory"}, {StrategyType::spread, "attribute:ecs.availability-zone"}}).has_value());
  CHECK_FALSE(check_strategies({{StrategyType::binpack, "disk"}}).has_value());
  CHECK_FALSE(check_strategies({{StrategyType::spread, "rack"}}).has_value());
  CHECK_FALSE(check_strategies({{StrategyType::random, "cpu"}}).has_value());
  CHECK_FALSE(check_strategies(std::vector<Strategy>(6)).has_value());
}

TEST_CASE("engine property: random clusters are never over-committed and spread stays within one", "[place]") {
  auto seed = GENERATE(range(1, 21));
  std::mt19937_64 rng(static_cast<unsigned>(seed));
  std::uniform_int_distribution<int> count(2, 30), cpu(512, 8192), mem(512, 16384), ask_size(64, 1024);
  std::vector<NodeState> nodes;
  const int n = count(rng);
  for (int i = 0; i < n; ++i) nodes.push_back(make_node("n" + std::to_string(i), cpu(rng), mem(rng)));
  auto distinct = make_ask(ask_size(rng), ask_size(rng), "service:d");
  distinct.distinct_instance = true;
  distinct.tcp_ports = {9000};
  int placed = 0;
  for (int t = 0; t < 200; ++t) {
    const auto ask = t % 3 == 0 ? distinct : make_ask(ask_size(rng), ask_size(rng));
    const auto d = choose(nodes, ask, {{StrategyType::spread, "instanceId"}}, rng);
    if (!d.node) continue;
    commit(nodes[*d.node], ask);
    ++placed;
  }
  CHECK(placed > 0);
  for (const auto& node : nodes) {
    CHECK(node.cpu_used <= node.cpu_total);
    CHECK(node.memory_used <= node.memory_total);
    const auto it = node.group_tasks.find("service:d");
    CHECK((it == node.group_tasks.end() || it->second <= 1));
  }
  // Spread of equal tasks over equal nodes: never off by more than one.
  std::vector<NodeState> equal;
  for (int i = 0; i < n; ++i) equal.push_back(make_node("e" + std::to_string(i), 1 << 20, 1 << 20));
  for (int t = 0; t < 5 * n + 3; ++t) {
    const auto d = choose(equal, make_ask(1, 1), {{StrategyType::spread, "instanceId"}}, rng);
    commit(equal[*d.node], make_ask(1, 1));
  }
  int lo = 1 << 30, hi = 0;
  for (const auto& node : equal) {
    lo = std::min(lo, node.group_tasks.at("family:web"));
    hi = std::max(hi, node.group_tasks.at("family:web"));
  }
  CHECK(hi - lo <= 1);
}

TEST_CASE("placer: static and task-dependent constraints over several placements", "[place]") {
  std::mt19937_64 rng(9);
  std::vector<NodeState> nodes;
  for (int i = 0; i < 4; ++i) nodes.push_back(make_node("n" + std::to_string(i), 100000, 100000, {{"tier", i == 3 ? "edge" : "core"}}));
  auto ask = make_ask(1, 1);
  ask.member_of.push_back(*parse_expression("attribute:tier == core"));
  ask.member_of.push_back(*parse_expression("runningTasksCount < 2"));
  Placer placer(nodes, ask, {{StrategyType::spread, "instanceId"}}, rng);
  int placed = 0;
  for (int i = 0; i < 10; ++i) placed += placer.place_one().node ? 1 : 0;
  CHECK(placed == 6);  // 3 core nodes × 2 tasks each, then nothing fits
  CHECK(nodes[3].facts.running_tasks == 0);
  for (int i = 0; i < 3; ++i) CHECK(nodes[static_cast<std::size_t>(i)].facts.running_tasks == 2);
  const auto full = placer.place_one();
  CHECK_FALSE(full.node.has_value());
  CHECK(full.rejections.at(3) == "ATTRIBUTE");
}

TEST_CASE("scale-in: spread stops from the fullest bucket and keeps the balance", "[place]") {
  std::mt19937_64 rng(7);
  const std::vector<NodeState> nodes = {make_node("a", 1000, 1000, {{"zone", "z1"}}), make_node("b", 1000, 1000, {{"zone", "z1"}}),
                                        make_node("c", 1000, 1000, {{"zone", "z2"}})};
  // a: 3 tasks, b: 1, c: 2.
  const std::vector<RunningTask> tasks = {{"t1", 0}, {"t2", 0}, {"t3", 0}, {"t4", 1}, {"t5", 2}, {"t6", 2}};
  const auto by_instance = scale_in_order(nodes, tasks, {{StrategyType::spread, "instanceId"}}, rng);
  REQUIRE(by_instance.size() == 6);
  // After every prefix of stops, the fullest instance holds as few tasks as any choice of that
  // many stops could leave it: the smallest m with sum(min(count, m)) >= tasks left.
  const std::map<std::string, char> node_of{{"t1", 'a'}, {"t2", 'a'}, {"t3", 'a'}, {"t4", 'b'}, {"t5", 'c'}, {"t6", 'c'}};
  std::map<char, int> left{{'a', 3}, {'b', 1}, {'c', 2}};
  const std::map<char, int> initial = left;
  int remaining = 6;
  for (const auto& id : by_instance) {
    --left[node_of.at(id)];
    --remaining;
    int best_max = 0;
    for (int m = 0; m <= 3; ++m) {
      int fits = 0;
      for (const auto& [node, n] : initial) fits += std::min(n, m);
      if (fits >= remaining) {
        best_max = m;
        break;
      }
    }
    int fullest = 0;
    for (const auto& [node, n] : left) fullest = std::max(fullest, n);
    CHECK(fullest == best_max);
  }
  // Zones first: z1 holds 4, z2 holds 2, so the first two stops come from z1.
  const auto by_zone = scale_in_order(nodes, tasks, {{StrategyType::spread, "attribute:zone"}, {StrategyType::spread, "instanceId"}}, rng);
  CHECK(node_of.at(by_zone[0]) != 'c');
  CHECK(node_of.at(by_zone[1]) != 'c');
  CHECK(node_of.at(by_zone[0]) == 'a');  // within z1, the fuller instance
}

TEST_CASE("scale-in: binpack empties the instance with the most room; random is seeded", "[place]") {
  std::vector<NodeState> nodes = {make_node("full", 1000, 1000), make_node("roomy", 1000, 1000)};
  nodes[0].memory_used = 900;
  nodes[1].memory_used = 200;
  const std::vector<RunningTask> tasks = {{"f1", 0}, {"r1", 1}, {"r2", 1}, {"f2", 0}};
  std::mt19937_64 rng(1);
  CHECK(scale_in_order(nodes, tasks, {{StrategyType::binpack, "memory"}}, rng) ==
        std::vector<std::string>{"r1", "r2", "f1", "f2"});
  std::mt19937_64 a(42), b(42);
  const auto random_a = scale_in_order(nodes, tasks, {{StrategyType::random, ""}}, a);
  CHECK(random_a == scale_in_order(nodes, tasks, {{StrategyType::random, ""}}, b));
  CHECK(std::is_permutation(random_a.begin(), random_a.end(), std::vector<std::string>{"f1", "r1", "r2", "f2"}.begin()));
}

TEST_CASE("host ports: static as given, dynamic ones free, distinct and in range", "[place]") {
  std::mt19937_64 rng(3);
  NodeState node = make_node("n", 1000, 1000);
  node.tcp_in_use = {22, 40000, 40001};
  const std::vector<PortRequest> requests = {{"web", 8080, 80, "tcp"}, {"web", 9000, 0, "tcp"}, {"web", 9001, 0, "tcp"},
                                             {"dns", 53, 0, "udp"}};
  const auto bound = bind_host_ports(node, requests, {40000, 40003}, rng);
  REQUIRE(bound.has_value());
  REQUIRE(bound->size() == 4);
  CHECK((*bound)[0].host_port == 80);
  const int a = (*bound)[1].host_port, b = (*bound)[2].host_port;
  CHECK(a != b);
  for (int p : {a, b}) CHECK((p == 40002 || p == 40003));
  CHECK((*bound)[3].host_port >= 40000);
  CHECK((*bound)[3].host_port <= 40003);
  CHECK(node.tcp_in_use.contains(80));
  CHECK(node.tcp_in_use.contains(a));
  CHECK(node.udp_in_use.contains((*bound)[3].host_port));
  // The range is now full for tcp: nothing is bound and the node is left as it was.
  const NodeState before = node;
  CHECK_FALSE(bind_host_ports(node, {{"web", 9002, 0, "tcp"}}, {40000, 40003}, rng).has_value());
  CHECK(node.tcp_in_use == before.tcp_in_use);
  CHECK(node.udp_in_use == before.udp_in_use);
}

TEST_CASE("engine: a missing required attribute is ATTRIBUTE, a wrong value too, a name-only one needs the name", "[place]") {
  std::mt19937_64 rng(7);
  std::vector<NodeState> nodes = {make_node("x86", 1000, 1000, {{"ecs.cpu-architecture", "x86_64"}}),
                                  make_node("arm", 1000, 1000, {{"ecs.cpu-architecture", "arm64"}, {"swap", ""}}),
                                  make_node("bare", 1000, 1000)};
  auto ask = make_ask(1, 1);
  ask.member_of = {attribute_requirement("ecs.cpu-architecture", "arm64")};
  const auto d = choose(nodes, ask, {}, rng);
  REQUIRE(d.node == std::optional<std::size_t>(1));
  CHECK(d.rejections.at(0) == "ATTRIBUTE");
  CHECK(d.rejections.at(2) == "ATTRIBUTE");
  ask.member_of = {attribute_requirement("swap", std::nullopt)};
  CHECK(choose(nodes, ask, {}, rng).node == std::optional<std::size_t>(1));
  // Resources are checked first, as ECS's pipeline does.
  auto big = make_ask(5000, 1);
  big.member_of = {attribute_requirement("swap", std::nullopt)};
  CHECK(choose(nodes, big, {}, rng).rejections.at(2) == "RESOURCE:CPU");
  CHECK(attribute_requirement("swap", std::nullopt).is_static());
  CHECK(attribute_requirement("ecs.cpu-architecture", "arm64").matches(nodes[1].facts));
  CHECK_FALSE(attribute_requirement("ecs.cpu-architecture", "arm64").matches(nodes[0].facts));
}

TEST_CASE("placer: a required attribute holds over every placement", "[place]") {
  std::mt19937_64 rng(8);
  std::vector<NodeState> nodes = {make_node("x86", 1000, 1000, {{"ecs.cpu-architecture", "x86_64"}}),
                                  make_node("arm", 1000, 1000, {{"ecs.cpu-architecture", "arm64"}})};
  auto ask = make_ask(100, 100);
  ask.member_of = {attribute_requirement("ecs.cpu-architecture", "x86_64")};
  Placer placer(nodes, ask, {}, rng);
  for (int i = 0; i < 10; ++i) {
    const auto d = placer.place_one();
    REQUIRE(d.node == std::optional<std::size_t>(0));
    CHECK(d.rejections.at(1) == "ATTRIBUTE");
  }
  const auto full = placer.place_one();
  CHECK_FALSE(full.node.has_value());
  CHECK(full.rejections.at(0) == "RESOURCE:CPU");
  CHECK(full.rejections.at(1) == "ATTRIBUTE");
}

TEST_CASE("engine: GPUs fit by free count, each task takes its own, RESOURCE:GPU when too few are free", "[place]") {
  std::mt19937_64 rng(9);
  std::vector<NodeState> nodes = {make_node("none", 1000, 1000), make_node("two", 1000, 1000)};
  nodes[1].free_gpus = {"0", "1"};
  auto ask = make_ask(1, 1);
  ask.gpus = 1;
  Placer placer(nodes, ask, {}, rng);
  const auto first = placer.place_one();
  REQUIRE(first.node == std::optional<std::size_t>(1));
  CHECK(first.rejections.at(0) == "RESOURCE:GPU");
  CHECK(first.gpu_ids == std::vector<std::string>{"0"});
  const auto second = placer.place_one();
  REQUIRE(second.node == std::optional<std::size_t>(1));
  CHECK(second.gpu_ids == std::vector<std::string>{"1"});
  const auto third = placer.place_one();
  CHECK_FALSE(third.node.has_value());
  CHECK(third.rejections.at(1) == "RESOURCE:GPU");
  CHECK(nodes[1].free_gpus.empty());
  // Two at once need two free; a task without GPUs takes none.
  std::vector<NodeState> one = {make_node("one", 1000, 1000)};
  one[0].free_gpus = {"7"};
  auto pair = make_ask(1, 1);
  pair.gpus = 2;
  CHECK(choose(one, pair, {}, rng).rejections.at(0) == "RESOURCE:GPU");
  CHECK(commit(one[0], make_ask(1, 1)).empty());
  CHECK(one[0].free_gpus == std::vector<std::string>{"7"});
}

}  // namespace engine_test
