#include "svc/awslogs_task_logs.hpp"

#include <cstdio>
#include <vector>

#include "common/civil_time.hpp"
#include "model/log_configuration.hpp"

namespace berth::svc {
namespace {

constexpr std::size_t k_page_bytes = 1 << 20;

// The container's logConfiguration, if its definition has one and it parses.
std::optional<model::LogConfiguration> log_configuration_of(Context& ctx, const model::Task& task, const std::string& name) {
  auto definition = ctx.store.find_task_definition(task.family, task.revision);
  if (!definition || !*definition) return std::nullopt;
  for (const auto& c : (*definition)->body.value("containerDefinitions", Json::array())) {
    if (c.value("name", "") != name || !c.contains("logConfiguration")) continue;
    if (auto log = model::parse_log_configuration(c["logConfiguration"])) return std::move(*log);
  }
  return std::nullopt;
}

std::optional<model::AwsLogsOptions> awslogs_of(Context& ctx, const model::Task& task, const std::string& name) {
  auto log = log_configuration_of(ctx, task, name);
  if (!log || log->driver != model::LogDriver::awslogs) return std::nullopt;
  return log->awslogs;
}

}  // namespace

std::optional<std::string> unkept_log_driver(Context& ctx, const model::Task& task, const std::string& name) {
  const auto log = log_configuration_of(ctx, task, name);
  if (!log) return std::nullopt;
  switch (log->driver) {
    case model::LogDriver::none: return "none";
    case model::LogDriver::syslog: return "syslog";
    case model::LogDriver::journald: return "journald";
    default: return std::nullopt;
  }
}

std::string shim_log_time(std::int64_t ns) {
  const std::int64_t seconds = floor_div(ns, 1'000'000'000);
  const std::int64_t nanos = ns - seconds * 1'000'000'000;
  const std::int64_t days = floor_div(seconds, 86400);
  const std::int64_t in_day = seconds - days * 86400;
  const CivilDate date = civil_from_days(days);
  char buffer[96];  // room for any int64 the compiler can see
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", date.year, date.month, date.day,
                static_cast<int>(in_day / 3600), static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60),
                static_cast<long long>(nanos));
  return buffer;
}

std::optional<Json> awslogs_container_lines(Context& ctx, const model::Task& task, const model::TaskContainer& c,
                                            const Json& file_lines, std::size_t max_store_bytes) {
  if (!ctx.log_store) return std::nullopt;
  const auto options = awslogs_of(ctx, task, c.name);
  if (!options) return std::nullopt;
  const std::string runtime_id = c.runtime_id.empty() ? task.id + "-" + c.name : c.runtime_id;
  const std::string stream = model::awslogs_stream_name(*options, c.name, task.id, runtime_id);
  // The newest pages, read backwards from the stream's end, then put in order.
  std::vector<std::vector<store::StoredLogEvent>> pages;
  std::size_t bytes = 0;
  store::StreamEventsQuery query{.max_bytes = k_page_bytes};
  while (bytes < max_store_bytes) {
    auto page = ctx.log_store->stream_events(options->group, stream, query);
    if (!page || page->events.empty()) break;  // no group or stream yet: the file holds every line
    for (const auto& e : page->events) bytes += e.message.size();
    query.before = page->backward;
    pages.push_back(std::move(page->events));
  }
  Json out = Json::array();
  for (auto page = pages.rbegin(); page != pages.rend(); ++page) {
    for (auto& e : *page) {
      out.push_back({{"time", shim_log_time(e.timestamp * 1'000'000)}, {"stream", "stdout"}, {"text", std::move(e.message)}});
    }
  }
  // The shim's lines past the last one stored (the ingester stores within a second or so, and not
  // at all while the group is missing without awslogs-create-group).
  const std::string stored_up_to = shim_log_time(ctx.log_store->source_cursor(options->group, stream).ns);
  for (const auto& line : file_lines) {
    if (line.value("time", "") > stored_up_to) out.push_back(line);
  }
  return out;
}

}  // namespace berth::svc
