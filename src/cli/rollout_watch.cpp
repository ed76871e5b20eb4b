#include "cli/rollout_watch.hpp"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include "cli/json_fields.hpp"
#include "cli/relative_time.hpp"
#include "cli/rollout_progress.hpp"
#include "cli/service_table.hpp"
#include "cli/verb_setup.hpp"

namespace berth::cli {
namespace {

constexpr auto k_poll_interval = std::chrono::seconds(1);
// Erases the line the cursor is on, so the progress line is redrawn in place.
constexpr std::string_view k_clear_line = "\r\033[K";

}  // namespace

int watch_rollout(const EcsClient& ecs, const std::string& name, const std::string& target, EpochMs since,
                  long long timeout_seconds) {
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  const Colouring colouring = colouring_for(terminal, std::getenv("NO_COLOR"), std::getenv("TERM"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  // Ids of the events in the last reply: bounded by what ECS keeps per service.
  std::set<std::string> shown;
  std::string drawn;
  while (true) {
    auto services = ecs.describe_services({name});
    if (!services) return report_failure(services.error());
    if (services->empty()) return report_failure(fail(Code::service_not_found, "service " + name + " is gone"));
    const model::Json& service = services->front();
    std::set<std::string> visible;
    for (const ServiceEvent& event : service_events(*services)) {
      visible.insert(event.id);
      // Only what happens from `since`: the service's history is `berth events`' to show.
      if (shown.contains(event.id) || event.at < since) continue;
      std::cerr << (terminal && !drawn.empty() ? k_clear_line : "") << format_event(event, colouring);
      if (terminal) drawn.clear();
    }
    shown = std::move(visible);
    const RolloutView view = assess_rollout(service, target);
    if (view.line != drawn) {
      std::cerr << (terminal ? k_clear_line : "") << view.line << (terminal ? "" : "\n") << std::flush;
      drawn = view.line;
    }
    if (view.phase != RolloutPhase::in_progress) {
      if (terminal) std::cerr << "\n";
      switch (view.phase) {
        case RolloutPhase::completed: std::cerr << paint(name + " is stable", Colour::green, colouring) << "\n"; return 0;
        case RolloutPhase::rolled_back:
          std::cerr << paint("berth: the deployment of " + name + " failed and was rolled back: " + view.reason, Colour::red, colouring)
                    << "\n";
          return 1;
        default:
          std::cerr << paint("berth: the deployment of " + name + " failed: " + view.reason, Colour::red, colouring) << "\n";
          return 1;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      if (terminal) std::cerr << "\n";
      return report_failure(fail(Code::client, name + " is not stable after " + std::to_string(timeout_seconds) + " s"),
                            "`berth events " + name + "` says what holds it up; --timeout waits longer");
    }
    std::this_thread::sleep_for(k_poll_interval);
  }
}

}  // namespace berth::cli
