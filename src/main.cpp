// Entry point: picks the verb by its name; each verb (cli/*_verb.cpp) builds the parts it needs.
#include <string>
#include <string_view>
#include <vector>

#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"

namespace {

struct Verb {
  std::string_view name;
  int (*run)(const berth::cli::Words& words);
};

constexpr Verb k_verbs[] = {
    {"serve", berth::cli::serve_verb},     {"image", berth::cli::image_verb},
    {"logs", berth::cli::logs_verb},       {"key", berth::cli::key_verb}, {"join-token", berth::cli::join_token_verb},
    {"info", berth::cli::info_verb},       {"doctor", berth::cli::doctor_verb},
    {"help", berth::cli::help_verb},       {"--help", berth::cli::help_verb},
    {"-h", berth::cli::help_verb},         {"version", berth::cli::version_verb},
    {"--version", berth::cli::version_verb}, {"shim", berth::cli::shim_verb},
    {"init", berth::cli::init_verb},       {"peers", berth::cli::peers_verb},
    {"attach", berth::cli::attach_verb},   {"exec", berth::cli::exec_verb},
    {"stats", berth::cli::stats_verb},
    {"ps", berth::cli::ps_verb},           {"services", berth::cli::services_verb},
    {"instances", berth::cli::instances_verb}, {"schedules", berth::cli::schedules_verb},
    {"events", berth::cli::events_verb},   {"describe", berth::cli::describe_verb},
    {"run", berth::cli::run_verb},         {"stop", berth::cli::stop_verb},
    {"scale", berth::cli::scale_verb},     {"deploy", berth::cli::deploy_verb},
    {"wait", berth::cli::wait_verb},       {"completion", berth::cli::completion_verb},
};

}  // namespace

int main(int argc, char** argv) {
  berth::cli::Words words(argv + 1, argv + argc);
  if (words.empty()) return berth::cli::usage_error("missing verb", "");
  const std::string name = words.front();
  words.erase(words.begin());
  for (const auto& verb : k_verbs) {
    if (verb.name == name) return verb.run(words);
  }
  return berth::cli::usage_error("unknown verb '" + name + "'", "");
}
