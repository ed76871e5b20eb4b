#include <catch2/catch.hpp>

#include "fixtures/ecs_call.hpp"
#include "fixtures/fixtures.hpp"
#include "svc/cloudwatch_metrics.hpp"
#include "svc/metric_alarms.hpp"

namespace cloudwatch_test {

using namespace berth;
using berth::testing::Json;

namespace {

// A service fixture with a metric store at 60 s resolution.
struct CloudWatchFixture : berth::testing::ServiceFixture {
  svc::MetricStore metrics{{.resolution_ms = 60'000, .slots = 60, .max_series = 16}};
  CloudWatchFixture() { ctx->metrics = &metrics; }

  // The minute `minutes_ago` minutes before the fixture clock's minute.
  EpochMs minute(int minutes_ago) const {
    const EpochMs now = clock.now_ms();
    return now - now % 60'000 - minutes_ago * 60'000LL;
  }
};

const model::MetricSpec k_service_cpu{"AWS/ECS", "CPUUtilization", {{"ClusterName", "plant"}, {"ServiceName", "web"}}};

svc::MetricId id_of(const model::MetricSpec& spec) { return {spec.name_space, spec.metric_name, spec.dimensions}; }

model::MetricAlarm cpu_alarm(std::string name, double threshold) {
  model::MetricAlarm alarm;
  alarm.name = std::move(name);
  alarm.name_space = k_service_cpu.name_space;
  alarm.metric_name = k_service_cpu.metric_name;
  alarm.dimensions = k_service_cpu.dimensions;
  alarm.period_seconds = 60;
  alarm.evaluation_periods = 2;
  alarm.datapoints_to_alarm = 2;
  alarm.threshold = threshold;
  alarm.comparison = model::AlarmComparison::greater_or_equal;
  alarm.alarm_actions = {"arn:aws:autoscaling:local:000000000000:scalingPolicy:p1"};
  return alarm;
}

}  // namespace

TEST_CASE_METHOD(CloudWatchFixture, "GetMetricStatistics: the series' periods, unit filter, limits", "[svc][cloudwatch]") {
  metrics.add(id_of(k_service_cpu), minute(3) + 1000, 20, "Percent");
  metrics.add(id_of(k_service_cpu), minute(3) + 2000, 40, "Percent");
  metrics.add(id_of(k_service_cpu), minute(1), 90, "Percent");
  model::GetMetricStatisticsRequest request{k_service_cpu, minute(5), minute(0), 60, {model::AlarmStatistic::average}, ""};
  auto reply = svc::get_metric_statistics(*ctx, request);
  REQUIRE(reply.has_value());
  REQUIRE(reply->datapoints.size() == 2);
  CHECK(reply->datapoints[0].timestamp == minute(3));
  CHECK(model::statistic_value(reply->datapoints[0], model::AlarmStatistic::average) == Approx(30));
  CHECK(reply->datapoints[0].sample_count == 2);
  CHECK(reply->datapoints[1].maximum == 90);
  CHECK(reply->label == "CPUUtilization");

  request.period_seconds = 300;
  reply = svc::get_metric_statistics(*ctx, request);
  REQUIRE(reply.has_value());
  REQUIRE(reply->datapoints.size() == 1);
  CHECK(reply->datapoints[0].sample_count == 3);

  request.period_seconds = 60;
  request.unit = "Count";
  CHECK(svc::get_metric_statistics(*ctx, request)->datapoints.empty());

  request.unit = "";
  request.period_seconds = 90;  // not a multiple of the 60 s resolution
  auto refused = svc::get_metric_statistics(*ctx, request);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Code::invalid_parameter);
  CHECK(refused.error().message.find("multiple of 60 seconds") != std::string::npos);

  request.period_seconds = 60;
  request.start = minute(2000);
  refused = svc::get_metric_statistics(*ctx, request);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == Code::client);  // more than 1,440 datapoints

  ctx->metrics = nullptr;  // no sampler: no data, no error
  request.start = minute(5);
  CHECK(svc::get_metric_statistics(*ctx, request)->datapoints.empty());
}

TEST_CASE_METHOD(CloudWatchFixture, "GetMetricData: newest first unless ascending; labels; ReturnData", "[svc][cloudwatch]") {
  metrics.add(id_of(k_service_cpu), minute(3), 10, "Percent");
  metrics.add(id_of(k_service_cpu), minute(2), 30, "Percent");
  model::GetMetricDataRequest request;
  request.start = minute(10);
  request.end = minute(0);
  request.queries = {{"m1", "", true, k_service_cpu, 60, model::AlarmStatistic::maximum, ""},
                     {"hidden", "", false, k_service_cpu, 60, model::AlarmStatistic::sum, ""}};
  auto reply = svc::get_metric_data(*ctx, request);
  REQUIRE(reply.has_value());
  REQUIRE(reply->results.size() == 1);
  CHECK(reply->results[0].label == "CPUUtilization");
  CHECK(reply->results[0].timestamps == std::vector<EpochMs>{minute(2), minute(3)});
  CHECK(reply->results[0].values == std::vector<double>{30, 10});
  request.ascending = true;
  request.queries[0].label = "cpu";
  reply = svc::get_metric_data(*ctx, request);
  CHECK(reply->results[0].values == std::vector<double>{10, 30});
  CHECK(reply->results[0].label == "cpu");
  request.max_datapoints = 1;
  CHECK_FALSE(svc::get_metric_data(*ctx, request).has_value());
  // A range of a hundred thousand years is refused by its size before any series is walked.
  request.max_datapoints.reset();
  request.end = request.start + 4'500'000'000'000'000LL;
  const auto far = svc::get_metric_data(*ctx, request);
  REQUIRE_FALSE(far.has_value());
  CHECK(far.error().code == Code::invalid_parameter);
  CHECK(far.error().message.find("MaxDatapoints") != std::string::npos);
}

TEST_CASE_METHOD(CloudWatchFixture, "ListMetrics: filters by namespace, name and dimensions; pages", "[svc][cloudwatch]") {
  metrics.add(id_of(k_service_cpu), minute(1), 10, "Percent");
  metrics.add({"AWS/ECS", "CPUReservation", {{"ClusterName", "plant"}}}, minute(1), 10, "Percent");
  metrics.add({"ECS/ContainerInsights", "TaskCount", {{"ClusterName", "plant"}}}, minute(300), 1, "Count");
  model::ListMetricsRequest request;
  CHECK(svc::list_metrics(*ctx, request)->metrics.size() == 3);
  request.name_space = "AWS/ECS";
  request.dimensions = {{"ServiceName", std::nullopt}};
  auto reply = svc::list_metrics(*ctx, request);
  REQUIRE(reply->metrics.size() == 1);
  CHECK(reply->metrics[0].metric_name == "CPUUtilization");
  request.dimensions = {{"ClusterName", "elsewhere"}};
  CHECK(svc::list_metrics(*ctx, request)->metrics.empty());
  request = {};
  request.recently_active = true;  // TaskCount's only value is 5 hours old
  CHECK(svc::list_metrics(*ctx, request)->metrics.size() == 2);
  request.skip = 1;
  CHECK(svc::list_metrics(*ctx, request)->metrics.size() == 1);
}

TEST_CASE_METHOD(CloudWatchFixture, "metric alarms: stored, evaluated when read, deleted all or none", "[svc][cloudwatch]") {
  REQUIRE_OK(svc::put_metric_alarm(*ctx, {cpu_alarm("cpu-high", 80)}));
  REQUIRE_OK(svc::put_metric_alarm(*ctx, {cpu_alarm("cpu-low", 20)}));
  auto described = svc::describe_alarms(*ctx, {});
  REQUIRE(described.has_value());
  REQUIRE(described->alarms.size() == 2);
  CHECK(described->alarms[0].alarm.name == "cpu-high");
  CHECK(described->alarms[0].state == model::AlarmState::insufficient_data);
  CHECK(described->alarms[0].alarm.updated_at == clock.now_ms());

  // Two complete minutes at 50 %: cpu-low (>= 20) alarms, cpu-high (>= 80) is OK.
  metrics.add(id_of(k_service_cpu), minute(2), 50, "Percent");
  metrics.add(id_of(k_service_cpu), minute(1), 50, "Percent");
  described = svc::describe_alarms(*ctx, {});
  CHECK(described->alarms[0].state == model::AlarmState::ok);
  CHECK(described->alarms[1].state == model::AlarmState::alarm);
  CHECK(described->alarms[1].state_updated_at == minute(0));
  model::DescribeAlarmsRequest only_alarm;
  only_alarm.state = model::AlarmState::alarm;
  CHECK(svc::describe_alarms(*ctx, only_alarm)->alarms.size() == 1);
  model::DescribeAlarmsRequest by_prefix;
  by_prefix.name_prefix = "cpu-h";
  by_prefix.max_records = 1;
  CHECK(svc::describe_alarms(*ctx, by_prefix)->alarms.size() == 1);
  CHECK_FALSE(svc::describe_alarms(*ctx, by_prefix)->next_skip.has_value());

  // The time moves on with no new values: the window holds none.
  clock.advance_ms(5 * 60'000);
  CHECK(svc::describe_alarms(*ctx, {})->alarms[0].state == model::AlarmState::insufficient_data);

  auto missing = svc::delete_alarms(*ctx, {{"cpu-high", "nope"}});
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Code::resource_not_found);
  CHECK(svc::describe_alarms(*ctx, {})->alarms.size() == 2);  // nothing was deleted
  REQUIRE_OK(svc::delete_alarms(*ctx, {{"cpu-high"}}));
  CHECK(svc::describe_alarms(*ctx, {})->alarms.size() == 1);
}

TEST_CASE_METHOD(CloudWatchFixture, "metric alarms: a period off the resolution is refused", "[svc][cloudwatch]") {
  auto alarm = cpu_alarm("odd", 1);
  alarm.period_seconds = 90;
  CHECK(svc::put_metric_alarm(*ctx, {alarm}).error().code == Code::invalid_parameter);
  // One stored before the resolution changed reads as INSUFFICIENT_DATA, and says why.
  REQUIRE_OK(store->put_metric_alarm(alarm, svc::k_max_metric_alarms));
  const auto described = svc::describe_alarms(*ctx, {});
  REQUIRE(described.has_value());
  REQUIRE(described->alarms.size() == 1);
  CHECK(described->alarms[0].state == model::AlarmState::insufficient_data);
  CHECK(described->alarms[0].reason.find("multiple of 60 seconds") != std::string::npos);
}

TEST_CASE_METHOD(CloudWatchFixture, "alarms_with_action: the alarms naming a policy, evaluated", "[svc][cloudwatch]") {
  auto other = cpu_alarm("other", 10);
  other.alarm_actions = {"arn:aws:autoscaling:local:000000000000:scalingPolicy:p2"};
  REQUIRE_OK(svc::put_metric_alarm(*ctx, {cpu_alarm("scale-out", 40)}));
  REQUIRE_OK(svc::put_metric_alarm(*ctx, {other}));
  metrics.add(id_of(k_service_cpu), minute(2), 60, "Percent");
  metrics.add(id_of(k_service_cpu), minute(1), 70, "Percent");
  auto found = svc::alarms_with_action(*ctx, "arn:aws:autoscaling:local:000000000000:scalingPolicy:p1");
  REQUIRE(found.has_value());
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].alarm.name == "scale-out");
  CHECK((*found)[0].state == model::AlarmState::alarm);
  CHECK((*found)[0].latest == 70);
  CHECK(svc::alarms_with_action(*ctx, "arn:none")->empty());
}

TEST_CASE_METHOD(CloudWatchFixture, "metric alarms: at most k_max_metric_alarms", "[svc][cloudwatch]") {
  for (std::size_t i = 0; i < svc::k_max_metric_alarms; ++i) {
    REQUIRE_OK(store->put_metric_alarm(cpu_alarm("a" + std::to_string(i), 1), svc::k_max_metric_alarms));
  }
  CHECK(svc::put_metric_alarm(*ctx, {cpu_alarm("one-more", 1)}).error().code == Code::limit_exceeded);
  REQUIRE_OK(svc::put_metric_alarm(*ctx, {cpu_alarm("a0", 2)}));  // replacing one is not adding one
}

TEST_CASE_METHOD(CloudWatchFixture, "UpdateClusterSettings and UpdateCluster switch containerInsights", "[svc][cloudwatch]") {
  REQUIRE_OK(berth::testing::ecs_call(*ctx, "CreateCluster", Json{{"clusterName", "plant"}}));
  const Json enabled = Json::array({{{"name", "containerInsights"}, {"value", "enabled"}}});
  auto r = berth::testing::ecs_call(*ctx, "UpdateClusterSettings", Json{{"cluster", "plant"}, {"settings", enabled}});
  REQUIRE_OK(r);
  CHECK((*r)["cluster"]["settings"] == enabled);
  CHECK(store->find_cluster("plant").value()->settings == enabled);

  const Json disabled = Json::array({{{"name", "containerInsights"}, {"value", "disabled"}}});
  r = berth::testing::ecs_call(*ctx, "UpdateCluster", Json{{"cluster", ctx->arns.cluster("plant")}, {"settings", disabled}});
  REQUIRE_OK(r);
  CHECK((*r)["cluster"]["settings"] == disabled);
  // No settings: nothing changes, the cluster is shown.
  r = berth::testing::ecs_call(*ctx, "UpdateCluster", Json{{"cluster", "plant"}});
  REQUIRE_OK(r);
  CHECK((*r)["cluster"]["settings"] == disabled);

  const auto refused = [&](const char* action, Json body) {
    auto result = berth::testing::ecs_call(*ctx, action, body);
    REQUIRE_FALSE(result.has_value());
    return result.error();
  };
  CHECK(refused("UpdateClusterSettings",
                Json{{"cluster", "plant"}, {"settings", {{{"name", "containerInsights"}, {"value", "maybe"}}}}})
            .code == Code::invalid_parameter);
  CHECK(refused("UpdateClusterSettings", Json{{"cluster", "nowhere"}, {"settings", enabled}}).code ==
        Code::cluster_not_found);
  CHECK(refused("UpdateClusterSettings", Json{{"cluster", "plant"}}).code == Code::invalid_parameter);
}

}  // namespace cloudwatch_test
