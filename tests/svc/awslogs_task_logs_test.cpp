#include "svc/awslogs_task_logs.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace awslogs_task_logs_test {

using namespace berth;
using model::Json;

namespace {

constexpr const char* k_task = "aaaabbbbccccddddeeeeffff00001111";

}  // namespace

TEST_CASE("shim log times are the shim's format", "[svc][logs]") {
  CHECK(svc::shim_log_time(1'796'315'655'123'456'789) == "2026-12-03T16:34:15.123456789Z");
  CHECK(svc::shim_log_time(0) == "1970-01-01T00:00:00.000000000Z");
}

TEST_CASE("berth logs of an awslogs container: the stored stream's newest pages, then the lines not stored", "[svc][logs]") {
  testing::TempDir dir;
  testing::FakeClock clock;
  auto opened = store::Store::open(":memory:");
  REQUIRE(opened.has_value());
  store::Store& state = **opened;
  REQUIRE_OK(state.register_task_definition("web", Json::parse(R"({"family":"web","containerDefinitions":[
      {"name":"main","image":"busybox","memory":64,"logConfiguration":{"logDriver":"awslogs","options":{
        "awslogs-group":"ecs/demo/web","awslogs-stream-prefix":"web"}}},
      {"name":"plain","image":"busybox","memory":64},
      {"name":"quiet","image":"busybox","memory":64,"logConfiguration":{"logDriver":"none"}}]})"), {}, clock.now_ms()));
  auto logs = store::LogStore::open({dir.path + "/cloudwatch-logs", 64ull << 20, 0}, clock);
  REQUIRE_OK(logs);
  svc::Context ctx(state, clock, ArnScope{"local", "000000000000"}, "default");
  ctx.log_store = logs->get();
  model::Task task;
  task.id = k_task;
  task.family = "web";
  task.revision = 1;
  model::TaskContainer main;
  main.name = "main";
  main.runtime_id = std::string(k_task) + "-main";
  const Json file_lines = Json::array({{{"time", svc::shim_log_time(clock.now_ms() * 1'000'000)}, {"stream", "stderr"}, {"text", "stored already"}},
                                       {{"time", svc::shim_log_time(clock.now_ms() * 1'000'000 + 30'000'000'000)}, {"stream", "stderr"}, {"text", "not yet"}}});

  // No group yet: the file's lines, as they are.
  auto before = svc::awslogs_container_lines(ctx, task, main, file_lines, 8 << 20);
  REQUIRE(before);
  CHECK(*before == file_lines);

  // 3,000 events of 1 KiB: three pages of the store's 1 MB.
  REQUIRE_OK((*logs)->create_group("ecs/demo/web"));
  std::vector<store::LogEvent> events;
  const std::int64_t base_ns = clock.now_ms() * 1'000'000 - 3000;
  for (int i = 0; i < 3000; ++i) {
    events.push_back({clock.now_ms(), std::to_string(i) + std::string(1024, '.'), base_ns + i});
  }
  // The last one stored is the file's first line.
  events.back().source_ns = clock.now_ms() * 1'000'000;
  REQUIRE_OK((*logs)->append("ecs/demo/web", std::string("web/main/") + k_task, events, store::Flush::now,
                             store::MissingStream::create));
  auto all = svc::awslogs_container_lines(ctx, task, main, file_lines, 8 << 20);
  REQUIRE(all);
  REQUIRE(all->size() == 3001);
  for (int i = 0; i < 3000; ++i) CHECK((*all)[i]["text"] == events[i].message);
  CHECK((*all)[0]["stream"] == "stdout");
  CHECK((*all)[3000]["text"] == "not yet");

  // Bounded: the newest pages only, still in order and followed by what is not stored.
  auto newest = svc::awslogs_container_lines(ctx, task, main, file_lines, 1 << 20);
  REQUIRE(newest);
  CHECK(newest->size() < 3001);
  CHECK(newest->size() > 1000);
  CHECK((*newest)[newest->size() - 2]["text"] == events.back().message);
  CHECK(newest->back()["text"] == "not yet");

  model::TaskContainer plain;
  plain.name = "plain";
  CHECK_FALSE(svc::awslogs_container_lines(ctx, task, plain, file_lines, 8 << 20));
  CHECK_FALSE(svc::unkept_log_driver(ctx, task, "plain"));
  CHECK(svc::unkept_log_driver(ctx, task, "quiet") == "none");
}

}  // namespace awslogs_task_logs_test
