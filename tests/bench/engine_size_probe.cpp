// Not run: linked into build/<triple>/berth-with-engine (Makefile, ENGINE_PROBE) with
// -u berth_engine_size_probe, so that --gc-sections keeps the dqlite node, the client and what
// they reach, and the binary's size shows what the engine will cost berth once the store uses it.
#include "store/dqlite/client.hpp"
#include "store/dqlite/node.hpp"

using namespace berth::store::dqlite;

extern "C" void berth_engine_size_probe() {
  NodeConfig config;
  config.data_dir = "/nonexistent";
  config.address = "127.0.0.1:1";
  auto node = Node::start(config);
  const std::string addresses[] = {config.address};
  auto leader = connect_to_leader(addresses);
  if (!node || !leader) return;
  const Value params[] = {std::int64_t{1}, std::string("x"), 0.5, Blob{}, std::monostate{}, true};
  (void)leader->open("probe");
  (void)leader->exec("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", params);
  (void)leader->query("SELECT * FROM t", params);
  (void)leader->add(2, "127.0.0.1:2");
  (void)leader->assign(2, Role::voter);
  (void)leader->remove(2);
  (void)leader->cluster();
  (void)leader->dump("probe");
}
