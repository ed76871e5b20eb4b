#include "cli/service_table.hpp"

#include <algorithm>

#include "cli/json_fields.hpp"
#include "cli/relative_time.hpp"
#include "cli/task_table.hpp"

namespace berth::cli {
namespace {

// ECS begins each event with "(service NAME) "; the table's column names the service already.
std::string without_service_prefix(const std::string& message, const std::string& service) {
  const std::string prefix = "(service " + service + ") ";
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

// Long event messages (placement failures list every reason) would wrap the whole table.
std::string clipped(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole code points
  return text.substr(0, cut) + "…";
}

}  // namespace

std::string rollout_summary(const model::Json& service) {
  const auto& deployments = array_member(service, "deployments");
  const auto primary = std::find_if(deployments.begin(), deployments.end(),
                                    [](const model::Json& d) { return text_member(d, "status") == "PRIMARY"; });
  if (primary == deployments.end()) return "-";
  std::string out = text_member(*primary, "rolloutState", "-");
  if (deployments.size() > 1) out += " +" + std::to_string(deployments.size() - 1) + " old";
  return out;
}

std::string format_service_table(const std::vector<model::Json>& services, EpochMs now, Colouring colouring) {
  constexpr std::size_t k_event_width = 60;
  std::vector<const model::Json*> ordered;
  for (const auto& service : services) ordered.push_back(&service);
  std::stable_sort(ordered.begin(), ordered.end(), [](const model::Json* a, const model::Json* b) {
    return text_member(*a, "serviceName") < text_member(*b, "serviceName");
  });
  std::vector<Row> rows{{"SERVICE", "TASK DEFINITION", "DESIRED", "RUNNING", "PENDING", "ROLLOUT", "LAST EVENT"}};
  for (const model::Json* service : ordered) {
    const std::string name = text_member(*service, "serviceName");
    const auto& events = array_member(*service, "events");
    std::string last = "-";
    if (!events.empty()) {
      last = relative_time(timestamp_member(events.front(), "createdAt"), now) + ": " +
             clipped(without_service_prefix(text_member(events.front(), "message"), name), k_event_width);
    }
    const std::string rollout = rollout_summary(*service);
    rows.push_back({name, family_revision(text_member(*service, "taskDefinition")),
                    std::to_string(integer_member(*service, "desiredCount")),
                    std::to_string(integer_member(*service, "runningCount")),
                    std::to_string(integer_member(*service, "pendingCount")),
                    Cell(rollout, status_colour(rollout.substr(0, rollout.find(' ')))), last});
  }
  return format_table(rows, colouring);
}

std::vector<ServiceEvent> service_events(const std::vector<model::Json>& services) {
  std::vector<ServiceEvent> out;
  for (const auto& service : services) {
    const std::string name = text_member(service, "serviceName");
    // ECS lists them newest first; read backwards, events of the same millisecond keep their order.
    const auto& events = array_member(service, "events");
    for (auto event = events.rbegin(); event != events.rend(); ++event) {
      out.push_back({timestamp_member(*event, "createdAt").value_or(0), name, text_member(*event, "id"),
                     without_service_prefix(text_member(*event, "message"), name)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ServiceEvent& a, const ServiceEvent& b) { return a.at < b.at; });
  return out;
}

std::string format_event(const ServiceEvent& event, Colouring colouring) {
  // Failures stand out in a long scroll of "has started 1 tasks".
  const bool bad = event.message.find("unable") != std::string::npos ||
                   event.message.find("failed") != std::string::npos ||
                   event.message.find("rolling back") != std::string::npos;
  return paint(utc_time(event.at), Colour::dim, colouring) + "  " + event.service + "  " +
         paint(event.message, bad ? Colour::red : Colour::none, colouring) + "\n";
}

}  // namespace berth::cli
