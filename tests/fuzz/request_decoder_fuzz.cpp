// Fuzz harness: request bodies through the dispatchers, as the HTTP server hands them over.
// The first byte picks the action (every ECS action berth serves and the Scheduler actions);
// the rest is the body. Each input gets a fresh in-memory store holding a cluster, a container
// instance and a task definition ("web"), so the body reaches the use cases' own validation.
// Any reply is fine except a crash or a 500: a 500 on this path means a use case threw or
// read a value validation should have refused.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "api/dispatch.hpp"
#include "api/scheduler_dispatch.hpp"
#include "common/clock.hpp"
#include "store/store.hpp"
#include "svc/actions.hpp"
#include "svc/context.hpp"

namespace {

using berth::model::Json;

constexpr std::string_view k_ecs_actions[] = {
    "CreateCluster", "DescribeClusters", "ListClusters", "DeleteCluster", "RegisterTaskDefinition",
    "DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies", "DeregisterTaskDefinition",
    "DeleteTaskDefinitions", "TagResource", "UntagResource", "ListTagsForResource", "RegisterContainerInstance",
    "DeregisterContainerInstance", "ListContainerInstances", "DescribeContainerInstances",
    "UpdateContainerInstancesState", "PutAttributes", "DeleteAttributes", "ListAttributes", "RunTask", "StartTask",
    "StopTask", "DescribeTasks", "ListTasks", "CreateService", "UpdateService", "DeleteService", "DescribeServices",
    "ListServices", "UpdateTaskProtection", "GetTaskProtection", "PutAccountSetting", "PutAccountSettingDefault",
    "ListAccountSettings", "DeleteAccountSetting", "DiscoverPollEndpoint", "SubmitTaskStateChange",
    "SubmitContainerStateChange", "SubmitAttachmentStateChanges"};
constexpr std::string_view k_scheduler_actions[] = {"CreateSchedule", "GetSchedule", "UpdateSchedule",
                                                    "DeleteSchedule", "ListSchedules"};
constexpr std::size_t k_ecs_count = sizeof k_ecs_actions / sizeof k_ecs_actions[0];
constexpr std::size_t k_action_count = k_ecs_count + sizeof k_scheduler_actions / sizeof k_scheduler_actions[0];

class FixedClock final : public berth::Clock {
 public:
  berth::EpochMs now_ms() const override { return 1'700'000'000'000; }
};

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "harness setup failed: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t pick = data[0] % k_action_count;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  static const FixedClock clock;
  auto store = berth::store::Store::open(":memory:");
  require(store.has_value(), "open store");
  require((*store)->ensure_cluster("default", clock.now_ms(), "000000000000").has_value(), "cluster");
  berth::svc::Context ctx{**store, clock, berth::ArnScope{"local", "000000000000"}, "default"};
  const auto ecs = [&](const char* action, std::string_view request) {
    return berth::api::handle_ecs_request(ctx, std::string(berth::api::k_target_prefix) + action, request).status == 200;
  };
  require(ecs("RegisterContainerInstance", R"({"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":4096},
                                             {"name":"MEMORY","type":"INTEGER","integerValue":4096}]})"),
          "container instance");
  require(ecs("RegisterTaskDefinition", R"({"family":"web","networkMode":"host","containerDefinitions":[
                                          {"name":"main","image":"busybox","memory":16}]})"),
          "task definition");

  berth::api::Reply reply;
  if (pick < k_ecs_count) {
    reply = berth::api::handle_ecs_request(ctx, std::string(berth::api::k_target_prefix) + std::string(k_ecs_actions[pick]),
                                           body);
  } else {
    // The path names the schedule, except for ListSchedules.
    const std::string_view action = k_scheduler_actions[pick - k_ecs_count];
    const Json members = action == "ListSchedules" ? Json::object() : Json{{"Name", "nightly"}};
    reply = berth::api::handle_scheduler_request(ctx, action, members, body);
  }
  if (reply.status >= 500) {
    std::fprintf(stderr, "%d %s\n", reply.status, reply.body.c_str());
    std::abort();
  }
  return 0;
}
