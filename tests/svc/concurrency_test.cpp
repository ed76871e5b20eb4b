// Concurrent writers through the use cases on a file database (as `berth serve` runs them):
// every acknowledged write must be in the state afterwards.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/actions.hpp"

namespace concurrency_test {

using namespace berth;
using berth::testing::FakeClock;
using berth::testing::Json;

namespace {

struct FileStoreFixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  FakeClock clock;
  std::unique_ptr<svc::Context> ctx;

  FileStoreFixture() {
    char pattern[] = "/tmp/berth-concurrency-XXXXXX";
    dir = mkdtemp(pattern);
    auto opened = store::Store::open((dir / "berth.db").string());
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    REQUIRE(store->ensure_cluster("default", clock.now_ms(), "000000000000").has_value());
    ctx = std::make_unique<svc::Context>(*store, clock, ArnScope{"local", "000000000000"}, "default");
  }
  ~FileStoreFixture() {
    ctx.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

constexpr int k_attribute_writers = 7;
constexpr int k_rounds = 40;

// The attribute values of the instance, by name.
std::map<std::string, std::string> attributes_of(const Json& instance) {
  std::map<std::string, std::string> out;
  for (const auto& a : instance["attributes"]) out[a["name"]] = a.value("value", "");
  return out;
}

}  // namespace

TEST_CASE_METHOD(FileStoreFixture, "concurrent instance writers lose no acknowledged attribute or state", "[svc][concurrency]") {
  auto registered = berth::testing::ecs_call(*ctx, "RegisterContainerInstance", Json{{"totalResources", Json::array()}});
  REQUIRE_OK(registered);
  const std::string arn = (*registered)["containerInstance"]["containerInstanceArn"];

  // What each writer last had acknowledged: its attribute's value, the state, the agent's version.
  std::vector<std::string> last_value(k_attribute_writers);
  std::string last_state = "ACTIVE";
  std::string last_agent_version;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < k_attribute_writers; ++w) {
    writers.emplace_back([&, w] {
      const std::string name = "writer-" + std::to_string(w);
      for (int round = 0; round < k_rounds; ++round) {
        const std::string value = "v" + std::to_string(round);
        auto put = berth::testing::ecs_call(*ctx, "PutAttributes", Json{{"attributes", {{{"name", name}, {"value", value}, {"targetId", arn}}}}});
        if (put) last_value[w] = value;
        else ++failures;
      }
    });
  }
  writers.emplace_back([&] {
    for (int round = 0; round < k_rounds; ++round) {
      const std::string state = round % 2 == 0 ? "DRAINING" : "ACTIVE";
      auto updated = berth::testing::ecs_call(*ctx, "UpdateContainerInstancesState", Json{{"containerInstances", {arn}}, {"status", state}});
      if (updated && (*updated)["failures"].empty()) last_state = state;
      else ++failures;
    }
  });
  writers.emplace_back([&] {
    // The agent re-registering (as after its restart): resources and built-in attributes.
    for (int round = 0; round < k_rounds; ++round) {
      const std::string version = "agent-" + std::to_string(round);
      Json request{{"containerInstanceArn", arn},
                   {"totalResources", {{{"name", "CPU"}, {"type", "INTEGER"}, {"integerValue", 1024}}}},
                   {"versionInfo", {{"agentVersion", version}}},
                   {"attributes", {{{"name", "ecs.os-type"}, {"value", "linux"}}}}};
      if (berth::testing::ecs_call(*ctx, "RegisterContainerInstance", request)) last_agent_version = version;
      else ++failures;
    }
  });
  for (auto& t : writers) t.join();
  REQUIRE(failures == 0);

  auto described = berth::testing::ecs_call(*ctx, "DescribeContainerInstances", Json{{"containerInstances", {arn}}});
  REQUIRE_OK(described);
  const Json& instance = (*described)["containerInstances"][0];
  const auto attributes = attributes_of(instance);
  for (int w = 0; w < k_attribute_writers; ++w) {
    const std::string name = "writer-" + std::to_string(w);
    INFO(name);
    REQUIRE(attributes.contains(name));
    CHECK(attributes.at(name) == last_value[w]);
  }
  CHECK(attributes.at("ecs.os-type") == "linux");
  CHECK(instance["status"] == last_state);
  CHECK(instance["versionInfo"]["agentVersion"] == last_agent_version);
}

TEST_CASE_METHOD(FileStoreFixture, "a late deregistration never undoes a delete", "[svc][concurrency]") {
  // DeregisterTaskDefinition saw the revision INACTIVE; DeleteTaskDefinitions commits first.
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "RegisterTaskDefinition", berth::testing::make_task_def("raced")));
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "DeregisterTaskDefinition", Json{{"taskDefinition", "raced:1"}}));
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "DeleteTaskDefinitions", Json{{"taskDefinitions", {"raced:1"}}}));
  auto late = store->set_task_definition_status("raced", 1, model::TaskDefinitionStatus::active,
                                             model::TaskDefinitionStatus::inactive, clock.now_ms());
  REQUIRE_OK(late);
  CHECK(late->status == model::TaskDefinitionStatus::delete_in_progress);
  auto again = berth::testing::ecs_call(*ctx, "DeregisterTaskDefinition", Json{{"taskDefinition", "raced:1"}});
  REQUIRE_FALSE(again.has_value());
  auto stored = store->find_task_definition("raced", 1);
  REQUIRE_OK(stored);
  CHECK((*stored)->status == model::TaskDefinitionStatus::delete_in_progress);
}

TEST_CASE_METHOD(FileStoreFixture, "nothing is added to a cluster once DeleteCluster has checked it", "[svc][concurrency]") {
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "CreateCluster", Json{{"clusterName", "edge"}}));
  // The use case saw the cluster ACTIVE; DeleteCluster commits before the instance is written.
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "DeleteCluster", Json{{"cluster", "edge"}}));
  auto late = store->update_container_instance(
      "edge", "0123456789abcdef0123456789abcdef",
      [](model::ContainerInstance&, store::InstanceOrigin) -> Result<void> { return {}; }, store::IfMissing::create);
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error().code == Code::cluster_not_found);
  auto counts = store->cluster_counts("edge");
  REQUIRE_OK(counts);
  CHECK(counts->container_instances == 0);
}

TEST_CASE_METHOD(FileStoreFixture, "concurrent TagResource calls keep the 50-tag limit and every acknowledged tag", "[svc][concurrency]") {
  const std::string arn = ctx->arns.cluster("default");
  constexpr int k_taggers = 8;
  std::vector<std::vector<std::string>> acknowledged(k_taggers);
  std::vector<std::thread> taggers;
  for (int t = 0; t < k_taggers; ++t) {
    taggers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (berth::testing::ecs_call(*ctx, "TagResource", Json{{"resourceArn", arn}, {"tags", {{{"key", key}, {"value", "v"}}}}})) {
          acknowledged[static_cast<std::size_t>(t)].push_back(key);
        }
      }
    });
  }
  for (auto& t : taggers) t.join();
  auto tags = store->tags_of("cluster/default");
  REQUIRE_OK(tags);
  CHECK(tags->size() == 50);
  std::set<std::string> stored;
  for (const auto& tag : *tags) stored.insert(tag.key);
  for (const auto& keys : acknowledged) {
    for (const auto& key : keys) CHECK(stored.contains(key));
  }
}

TEST_CASE_METHOD(FileStoreFixture, "a tag written after its instance was deregistered is refused", "[svc][concurrency]") {
  auto registered = berth::testing::ecs_call(*ctx, "RegisterContainerInstance", Json::object());
  REQUIRE_OK(registered);
  const std::string arn = (*registered)["containerInstance"]["containerInstanceArn"];
  const std::string resource = "container-instance/default/" + arn.substr(arn.rfind('/') + 1);
  // TagResource saw the instance; the deregistration commits before the tags are written.
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "DeregisterContainerInstance", Json{{"containerInstance", arn}}));
  auto late = store->add_tags(resource, {{"k", "v"}});
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error().code == Code::resource_not_found);
  auto tags = store->tags_of(resource);
  REQUIRE_OK(tags);
  CHECK(tags->empty());
}

TEST_CASE_METHOD(FileStoreFixture, "a placement onto an instance drained since it was read is not written", "[svc][concurrency]") {
  auto registered = berth::testing::ecs_call(*ctx, "RegisterContainerInstance", Json::object());
  REQUIRE_OK(registered);
  const std::string arn = (*registered)["containerInstance"]["containerInstanceArn"];
  model::Task task;
  task.id = "0123456789abcdef0123456789abcdef";
  task.cluster = "default";
  task.container_instance_id = arn.substr(arn.rfind('/') + 1);
  // The placement read the instance ACTIVE; the drain commits before the task is written.
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "UpdateContainerInstancesState", Json{{"containerInstances", {arn}}, {"status", "DRAINING"}}));
  auto inserted = store->insert_tasks({task}, {});
  REQUIRE_OK(inserted);
  CHECK_FALSE(*inserted);
  auto stored = store->find_task("default", task.id);
  REQUIRE_OK(stored);
  CHECK_FALSE(stored->has_value());
}

TEST_CASE_METHOD(FileStoreFixture, "a completed schedule is not deleted over an update made meanwhile", "[svc][concurrency]") {
  model::Schedule schedule;
  schedule.group = "default";
  schedule.name = "once";
  REQUIRE_OK(store->create_schedule(schedule));
  // The runner judged version 1 complete; an UpdateSchedule committed version 2 meanwhile.
  model::Schedule updated = schedule;
  updated.version = 2;
  auto replaced = store->replace_schedule(updated, 1);
  REQUIRE_OK(replaced);
  REQUIRE(*replaced);
  auto deleted = store->delete_schedule("default", "once", 1);
  REQUIRE_OK(deleted);
  CHECK_FALSE(*deleted);
  auto kept = store->find_schedule("default", "once");
  REQUIRE_OK(kept);
  CHECK(kept->has_value());
}

TEST_CASE_METHOD(FileStoreFixture, "a rejected PutAttributes writes none of its attributes", "[svc][concurrency]") {
  std::vector<std::string> arns;
  for (int i = 0; i < 2; ++i) {
    auto registered = berth::testing::ecs_call(*ctx, "RegisterContainerInstance", Json{{"totalResources", Json::array()}});
    REQUIRE_OK(registered);
    arns.push_back((*registered)["containerInstance"]["containerInstanceArn"]);
  }
  const auto custom_count = [&](const std::string& arn) {
    auto described = berth::testing::ecs_call(*ctx, "DescribeContainerInstances", Json{{"containerInstances", {arn}}});
    REQUIRE_OK(described);
    int n = 0;
    for (const auto& a : (*described)["containerInstances"][0]["attributes"]) n += a["name"].get<std::string>().starts_with("ecs.") ? 0 : 1;
    return n;
  };
  // An unknown target after a good one: the good one must not land.
  auto unknown = berth::testing::ecs_call(*ctx, "PutAttributes", Json{{"attributes", {{{"name", "a"}, {"value", "1"}, {"targetId", arns[0]}},
                                                                {{"name", "b"}, {"value", "1"}, {"targetId", "0000000000000000"}}}}});
  CHECK_FALSE(unknown.has_value());
  CHECK(custom_count(arns[0]) == 0);
  // The second instance goes past its 10 custom attributes: the first instance's change must not land.
  for (int i = 0; i < 10; ++i) {
    REQUIRE_OK(berth::testing::ecs_call(*ctx, "PutAttributes", Json{{"attributes", {{{"name", "full-" + std::to_string(i)}, {"targetId", arns[1]}}}}}));
  }
  auto over = berth::testing::ecs_call(*ctx, "PutAttributes", Json{{"attributes", {{{"name", "a"}, {"value", "1"}, {"targetId", arns[0]}},
                                                             {{"name", "one-too-many"}, {"targetId", arns[1]}}}}});
  CHECK_FALSE(over.has_value());
  CHECK(custom_count(arns[0]) == 0);
  CHECK(custom_count(arns[1]) == 10);
}

}  // namespace concurrency_test
