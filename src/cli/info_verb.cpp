// `berth info`: the version, cluster, where this gateway keeps its state and how its API is
// reached, read from the configuration and the files (no daemon needed): what a fleet tool pins
// and which files hold the secrets; and, when the daemon answers on its socket, this gateway's
// container instance and its resources.
#include <iostream>

#include "api/tls/tls_setup.hpp"
#include "cli/ecs_client.hpp"
#include "cli/id_prefix.hpp"
#include "cli/instance_table.hpp"
#include "cli/json_fields.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

std::string tls_line(const Config& config, const api::tls::TlsPlan& plan) {
  if (config.listen.empty()) return config.tls_mode + " (no TCP listener)";
  if (plan.enabled) return config.tls_mode + ": https";
  if (plan.off_beyond_loopback) return "off: plain http beyond loopback (BERTH_TLS=off)";
  return config.tls_mode + ": plain http on loopback";
}

// The instance and resource lines of each of the cluster's container instances as the daemon
// describes them: this gateway's, and those of the gateways that joined it.
void print_instance(const Config& config) {
  auto instances = EcsClient(config).instances();
  if (!instances) {
    std::cout << "instance:     unknown (" << instances.error().message << ")\n";
    return;
  }
  for (const auto& instance : *instances) {
    std::cout << "instance:     " << last_arn_part(text_member(instance, "containerInstanceArn")) << " "
              << text_member(instance, "status") << (boolean_member(instance, "agentConnected") ? ", agent connected" : ", agent disconnected")
              << "\n"
              << "resources:    CPU " << reserved_of(instance, "CPU") << " units reserved, memory "
              << reserved_of(instance, "MEMORY") << " MiB reserved, " << integer_member(instance, "runningTasksCount")
              << " tasks running\n";
  }
}

}  // namespace

int info_verb(const Words& words) {
  auto config = config_of_verb(words, "info");
  if (!config) return config.error();
  auto plan = api::tls::plan_tls(*config);
  if (!plan) return usage_error(plan.error().message, "info");

  std::cout << "version:      " << version_line() << "\n"
            << "cluster:      " << config->cluster << "\n"
            << "data dir:     " << config->data_dir << "\n"
            << "listen:       " << (config->listen.empty() ? "none" : config->listen) << "\n"
            << "socket:       " << (config->socket_path.empty() ? "none" : config->socket_path) << "\n"
            << "tls:          " << tls_line(*config, *plan) << "\n"
            << "certificate:  " << plan->paths.certificate << "\n";
  auto fingerprint = api::tls::certificate_fingerprint(plan->paths.certificate);
  if (fingerprint) {
    std::cout << "sha256:       " << *fingerprint << "\n";
  } else if (fingerprint.error().sys_errno == ENOENT && plan->generated) {
    std::cout << "sha256:       none yet (generated at the first start with TLS on)\n";
  } else {
    std::cout << "sha256:       unreadable: " << fingerprint.error().message << "\n";
  }
  std::cout << "credentials:  " << config->credentials_path() << "\n";
  if (!config->socket_path.empty()) print_instance(*config);
  return 0;
}

}  // namespace berth::cli
