#include "svc/remote_secrets.hpp"

#include <algorithm>
#include <set>

#include "svc/secrets.hpp"

namespace berth::svc {

std::vector<model::ServedSecret> secrets_to_serve(Context& ctx, const std::vector<model::Task>& tasks,
                                                          const std::vector<model::TaskDefinition>& definitions) {
  std::vector<model::ServedSecret> out;
  std::set<std::string> served;
  for (const auto& task : tasks) {
    const bool to_start = std::any_of(task.containers.begin(), task.containers.end(),
                                      [](const model::TaskContainer& c) { return !c.started_at; });
    if (task.desired_status != model::TaskStatus::running || !to_start) continue;
    const auto definition = std::find_if(definitions.begin(), definitions.end(), [&](const model::TaskDefinition& d) {
      return d.family == task.family && d.revision == task.revision;
    });
    if (definition == definitions.end()) continue;
    for (auto& reference : model::secret_references_of(definition->body)) {
      if (out.size() >= model::k_max_served_secrets) return out;
      if (!served.insert(reference).second) continue;
      auto value = resolve_secret_reference(ctx, reference);
      if (value) {
        out.push_back({std::move(reference), std::move(*value), ""});
      } else {
        out.push_back({std::move(reference), std::nullopt, value.error().message});  // the reference's name only
      }
    }
  }
  return out;
}

}  // namespace berth::svc
