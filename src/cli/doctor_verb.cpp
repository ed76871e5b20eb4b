// `berth doctor`: whether this host can run berth's tasks, one line per check, each failure with
// its fix (runtime/linux/host_probes.hpp reads the host, host_checks.hpp judges it).
#include <iostream>

#include "agent/agent.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "runtime/linux/host_probes.hpp"

namespace berth::cli {

int doctor_verb(const Words& words) {
  auto config = config_of_verb(words, "doctor");
  if (!config) return config.error();
  // The settings serve would run with: a value it refuses is reported as it would be.
  auto agent_config = agent::AgentConfig::from(*config);
  if (!agent_config) return usage_error(agent_config.error().message, "doctor");
  const auto checks = runtime::probe_host({agent_config->network.plugin_dir, config->data_dir, config->run_dir});
  std::cout << runtime::format_report(checks);
  return runtime::report_exit_code(checks);
}

}  // namespace berth::cli
