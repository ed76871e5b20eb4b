// `berth info`: the version, cluster, where this gateway keeps its state and how its API is
// reached, read from the configuration and the files (no daemon needed): what a fleet tool pins
// and which files hold the secrets; and, when the API answers (the daemon's socket, or
// --endpoint's gateway, whose files are not read), the cluster's container instances and their
// resources. --output json gives the same as one object.
#include <cctype>
#include <iostream>

#include "api/tls/tls_setup.hpp"
#include "cli/ecs_client.hpp"
#include "cli/id_prefix.hpp"
#include "cli/instance_table.hpp"
#include "cli/json_fields.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verb_setup.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

std::string tls_line(const Config& config, const api::tls::TlsPlan& plan) {
  if (config.listen.empty()) return config.tls_mode + " (no TCP listener)";
  if (plan.enabled) return config.tls_mode + ": https";
  if (plan.off_beyond_loopback) return "off: plain http beyond loopback (BERTH_TLS=off)";
  return config.tls_mode + ": plain http on loopback";
}

// The instance and resource lines of each of the cluster's container instances as the API
// describes them: this gateway's, and those of the gateways that joined it.
void print_instances(const Result<std::vector<model::Json>>& instances) {
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

// What this gateway's configuration and files say, as "name: value" lines or JSON members.
using Facts = std::vector<std::pair<std::string, std::string>>;

Result<Facts> local_facts(const Config& config) {
  BERTH_ASSIGN(const auto plan, api::tls::plan_tls(config));
  Facts facts{{"data dir", config.data_dir},
              {"listen", config.listen.empty() ? "none" : config.listen},
              {"socket", config.socket_path.empty() ? "none" : config.socket_path},
              {"tls", tls_line(config, plan)},
              {"certificate", plan.paths.certificate}};
  auto fingerprint = api::tls::certificate_fingerprint(plan.paths.certificate);
  if (fingerprint) {
    facts.emplace_back("sha256", *fingerprint);
  } else if (fingerprint.error().sys_errno == ENOENT && plan.generated) {
    facts.emplace_back("sha256", "none yet (generated at the first start with TLS on)");
  } else {
    facts.emplace_back("sha256", "unreadable: " + fingerprint.error().message);
  }
  facts.emplace_back("credentials", config.credentials_path());
  return facts;
}

// "data dir" -> "dataDir": the JSON member of a fact.
std::string member_name(const std::string& label) {
  std::string out;
  bool upper = false;
  for (const char c : label) {
    if (c == ' ') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

}  // namespace

int info_verb(const Words& words) {
  auto setup = setup_verb(words, "info");
  if (!setup) return setup.error();
  if (!setup->args.positional.empty()) return usage_error("info takes no arguments", "info");
  const Config& config = setup->config;
  Facts facts{{"version", version_line()}, {"cluster", config.cluster}};
  // Over --endpoint the files are another gateway's: only what its API says is shown.
  if (setup->api.remote()) {
    facts.emplace_back("endpoint", setup->api.address());
  } else {
    auto local = local_facts(config);
    if (!local) return usage_error(local.error().message, "info");
    facts.insert(facts.end(), local->begin(), local->end());
  }
  const bool ask = setup->api.remote() || !config.socket_path.empty();
  const auto instances = ask ? EcsClient(config, setup->api).instances() : Result<std::vector<model::Json>>(std::vector<model::Json>{});
  if (setup->output == Output::json) {
    model::Json out = model::Json::object();
    for (const auto& [label, value] : facts) out[member_name(label)] = value;
    out["containerInstances"] = instances ? model::Json(*instances) : model::Json::array();
    if (!instances) out["containerInstancesError"] = instances.error().message;
    print_json(out);
    return 0;
  }
  // Values line up in one column; a label too long for it (none yet) keeps one space, not a
  // size_t wrap-around.
  for (const auto& [label, value] : facts) {
    std::cout << label << ":" << std::string(label.size() < 13 ? 13 - label.size() : 1, ' ') << value << "\n";
  }
  if (ask) print_instances(instances);
  return 0;
}

}  // namespace berth::cli
