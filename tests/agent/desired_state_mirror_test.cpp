#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <optional>

#include "agent/desired_state_mirror.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace desired_state_mirror_test {

using namespace berth;
using berth::testing::FakeClock;
using model::TaskStatus;

namespace {

const std::string k_instance = "1234567890abcdef1234567890abcdef";

struct Mirror {
  FakeClock clock;
  std::unique_ptr<store::Store> store;
  explicit Mirror(const std::string& path = ":memory:") {
    auto opened = store::Store::open(path);
    REQUIRE(opened.has_value());
    store = std::move(*opened);
  }

  model::TaskDefinition definition() {
    model::TaskDefinition td;
    td.family = "web";
    td.revision = 7;
    td.body = berth::testing::make_task_def("web");
    td.body["containerDefinitions"].push_back({{"name", "sidecar"}, {"image", "busybox"}, {"memory", 16}, {"essential", false}});
    td.registered_at = clock.now_ms();
    return td;
  }

  static model::Task task(const std::string& id, TaskStatus desired, TaskStatus last = TaskStatus::pending,
                          const std::string& instance = k_instance) {
    model::Task t = berth::testing::task_record(id, "edge", "web", 7, instance, last, desired);
    for (const char* name : {"webapp", "sidecar"}) {
      model::TaskContainer c;
      c.name = name;
      c.id = std::string(name) + "-id";
      c.last_status = last == TaskStatus::running ? TaskStatus::running : TaskStatus::pending;
      t.containers.push_back(c);
    }
    return t;
  }

  model::PollInstanceTasksReply reply(std::vector<model::Task> tasks) {
    model::PollInstanceTasksReply r;
    r.cluster = "edge";
    r.instance_id = k_instance;
    r.cursor = "c";
    r.tasks = std::move(tasks);
    r.definitions = {definition()};
    return r;
  }

  agent::MirrorOutcome apply(const model::PollInstanceTasksReply& r) {
    auto outcome = agent::apply_desired_state(*store, k_instance, r, clock.now_ms());
    REQUIRE_OK(outcome);
    return *outcome;
  }

  model::Task stored(const std::string& id) {
    auto found = store->find_task("edge", id);
    REQUIRE(found.has_value());
    REQUIRE(found->has_value());
    return **found;
  }
};

}  // namespace

TEST_CASE("mirror: a new task is kept with its definition, from PENDING, essential as its definition says",
          "[agent][joined]") {
  Mirror m;
  // The server thinks it runs (the node lost its copy): the node starts from PENDING and adopts.
  const auto outcome = m.apply(m.reply({Mirror::task("a1", TaskStatus::running, TaskStatus::running)}));
  CHECK(outcome.added == 1);
  const auto t = m.stored("a1");
  CHECK(t.last_status == TaskStatus::pending);
  CHECK(t.desired_status == TaskStatus::running);
  CHECK(t.container_instance_id == k_instance);
  REQUIRE(t.containers.size() == 2);
  CHECK(t.containers[0].last_status == TaskStatus::pending);
  CHECK(t.containers[0].essential);
  CHECK_FALSE(t.containers[1].essential);
  auto td = m.store->find_task_definition("web", 7);
  REQUIRE(td.has_value());
  REQUIRE(td->has_value());
  CHECK((*td)->body["containerDefinitions"].size() == 2);
  // The same reply again changes nothing.
  CHECK_FALSE(m.apply(m.reply({Mirror::task("a1", TaskStatus::running, TaskStatus::running)})).changed());
}

TEST_CASE("mirror: a stop the server asks for reaches the node's copy with the server's reason", "[agent][joined]") {
  Mirror m;
  m.apply(m.reply({Mirror::task("a1", TaskStatus::running)}));
  auto stop = Mirror::task("a1", TaskStatus::stopped);
  stop.stop_code = "UserInitiated";
  stop.stopped_reason = "Task stopped by the user";
  const auto outcome = m.apply(m.reply({stop}));
  CHECK(outcome.stopping == 1);
  const auto t = m.stored("a1");
  CHECK(t.desired_status == TaskStatus::stopped);
  CHECK(t.stop_code == "UserInitiated");
  CHECK(t.stopped_reason == "Task stopped by the user");
  CHECK(m.apply(m.reply({stop})).stopping == 0);  // already stopping
}

TEST_CASE("mirror: a task the node runs that the server no longer lists is stopped (fencing)", "[agent][joined]") {
  Mirror m;
  m.apply(m.reply({Mirror::task("a1", TaskStatus::running), Mirror::task("a2", TaskStatus::running)}));
  // a2 stopped here already: the fence leaves it alone.
  auto a2 = m.stored("a2");
  a2.last_status = TaskStatus::stopped;
  REQUIRE(m.store->replace_task(a2, a2.version).value_or(false));
  // The server replaced a1 elsewhere while the node was cut off: its reply lists only the new task.
  const auto outcome = m.apply(m.reply({Mirror::task("b1", TaskStatus::running)}));
  CHECK(outcome.added == 1);
  CHECK(outcome.fenced == 1);
  const auto a1 = m.stored("a1");
  CHECK(a1.desired_status == TaskStatus::stopped);
  CHECK(a1.stopped_reason == agent::k_fenced_reason);
  CHECK(m.stored("a2").desired_status == TaskStatus::running);
  CHECK(m.stored("b1").desired_status == TaskStatus::running);
}

TEST_CASE("mirror: a task of another instance in the reply is not taken", "[agent][joined]") {
  Mirror m;
  const auto outcome = m.apply(m.reply({Mirror::task("x1", TaskStatus::running, TaskStatus::pending, "ffff")}));
  CHECK_FALSE(outcome.changed());
  auto found = m.store->find_task("edge", "x1");
  REQUIRE(found.has_value());
  CHECK_FALSE(found->has_value());
}

// Bytes this process has handed to write(2) so far (/proc/self/io's wchar), or nothing where the
// kernel does not count them.
static std::optional<long long> bytes_written() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long long value = 0;
  while (io >> key >> value) {
    if (key == "wchar:") return value;
  }
  return std::nullopt;
}

TEST_CASE("mirror: a reply that changes nothing writes nothing to the node's store (flash wear)", "[agent][joined]") {
  berth::testing::TempDir dir;
  const std::string path = dir.path + "/berth.db";
  Mirror m(path);
  auto stop = Mirror::task("a2", TaskStatus::stopped);
  stop.stop_code = "UserInitiated";
  const auto idle = m.reply({Mirror::task("a1", TaskStatus::running), stop});
  CHECK(m.apply(idle).changed());
  const auto wal_bytes = [&] {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path + "-wal", ec);
    return ec ? std::uintmax_t{0} : size;
  };
  const auto wal_before = wal_bytes();
  const auto written_before = bytes_written();
  // The poll thread applies every reply, an idle poll's too (every few seconds, for days).
  for (int i = 0; i < 5; ++i) CHECK_FALSE(m.apply(idle).changed());
  const auto written_after = bytes_written();
  CHECK(wal_bytes() == wal_before);
  if (written_before && written_after) CHECK(*written_after == *written_before);
}

}  // namespace desired_state_mirror_test
