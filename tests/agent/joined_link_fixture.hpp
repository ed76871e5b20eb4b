// The joined agent's tests' fixture: a node's store (SQLite in memory) and its registrar, joined
// through the fake server, with helpers for the tasks placed on it and what the agent records.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "agent/desired_state_mirror.hpp"
#include "agent/joined_registrar.hpp"
#include "fake_control_plane.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"
#include "store/store.hpp"

namespace berth::testing {

inline model::NodeRegistration node() {
  model::NodeRegistration n;
  n.cluster = "default";
  n.instance_id = "own-id";
  n.cpu_units = 2048;
  n.memory_mib = 512;
  n.attributes = {{"ecs.availability-zone", "line-3"}};
  return n;
}

// A joined node's store and registrar, joined through the fake server (which says the server's
// longest poll wait is `server_poll_wait`).
struct Link {
  TempDir tmp;
  FakeClock clock;
  FakeControlPlane server;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<agent::JoinedRegistrar> registrar;
  int wakes = 0;

  explicit Link(int server_poll_wait = 0) {
    server.poll_wait_seconds = server_poll_wait;
    auto opened = store::Store::open(":memory:");
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    REQUIRE_OK(store->ensure_cluster("edge", clock.now_ms(), "000000000000"));
    registrar = std::make_unique<agent::JoinedRegistrar>(server, "bjt-good", tmp.path + "/join.json");
    REQUIRE(registrar->register_node(node()).value_or("") == server.instance_id);
  }

  // The task the server placed here, as the node keeps it.
  model::Task placed(const std::string& id) {
    model::PollInstanceTasksReply reply;
    reply.cluster = "edge";
    reply.instance_id = server.instance_id;
    model::TaskDefinition td{"web", 1, model::TaskDefinitionStatus::active, berth::testing::make_task_def("web"), 0, {}};
    reply.definitions = {td};
    model::Task t;
    t.id = id;
    t.cluster = "edge";
    t.family = "web";
    t.revision = 1;
    t.container_instance_id = server.instance_id;
    model::TaskContainer c;
    c.name = "webapp";
    c.id = "c-" + id;
    t.containers.push_back(c);
    reply.tasks = {t};
    REQUIRE_OK(agent::apply_desired_state(*store, server.instance_id, reply, clock.now_ms()));
    return stored(id);
  }
  model::Task stored(const std::string& id) {
    auto found = store->find_task("edge", id);
    REQUIRE(found.has_value());
    REQUIRE(found->has_value());
    return **found;
  }
  // What the agent would record: the task and its container moved to `status`.
  void record(const std::string& id, model::TaskStatus status, std::optional<int> exit_code = std::nullopt) {
    auto t = stored(id);
    const long long version = t.version;
    t.last_status = status;
    t.containers[0].last_status = status;
    t.containers[0].exit_code = exit_code;
    t.containers[0].runtime_id = id + "-webapp";
    if (status == model::TaskStatus::stopped) t.stopped_at = clock.now_ms();
    ++t.version;
    REQUIRE(store->replace_task(t, version).value_or(false));
  }
};

}  // namespace berth::testing
