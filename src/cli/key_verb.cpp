// `berth key create|ls|rm`: API access keys, through the daemon's unix socket (root or the
// socket's group), so the running server's key cache always sees the change.
#include <iostream>

#include "cli/daemon_call.hpp"
#include "cli/relative_time.hpp"
#include "cli/usage.hpp"
#include "common/files.hpp"
#include "model/schema.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

// Sends one BerthKeys request; returns its JSON reply, or prints the error and returns nothing.
std::optional<model::Json> call(const Config& config, const std::string& action, const model::Json& request) {
  return call_daemon(config, "BerthKeys." + action, request);
}

int create(const Config& config, const ParsedArgs& args) {
  if (args.positional.size() != 2) return usage_error("key create takes NAME", "key");
  model::Json request{{"UserName", args.positional[1]}};
  const auto policy = args.flags.find("policy");
  const std::string choice = policy == args.flags.end() ? "read-only" : policy->second;
  if (choice == "admin" || choice == "read-only") {
    request["PolicyName"] = choice;
  } else {
    auto document = read_file(choice);
    if (!document) return usage_error("cannot read policy file " + choice + ": " + document.error().message, "key");
    request["PolicyName"] = "custom";
    request["PolicyDocument"] = *document;
  }
  const auto reply = call(config, "CreateAccessKey", request);
  if (!reply) return 1;
  const auto& key = (*reply)["AccessKey"];
  // The shared-credentials format, ready for ~/.aws/credentials; the secret is shown only now.
  std::cout << "# policy " << key.value("PolicyName", "") << "; the secret is not shown again\n"
            << "[" << key.value("UserName", "") << "]\n"
            << "aws_access_key_id = " << key.value("AccessKeyId", "") << "\n"
            << "aws_secret_access_key = " << key.value("SecretAccessKey", "") << "\n"
            << "region = " << config.region << "\n";
  return 0;
}

int list(const Config& config, const ParsedArgs& args) {
  if (args.positional.size() > 2) return usage_error("key ls takes at most NAME", "key");
  model::Json request = model::Json::object();
  if (args.positional.size() == 2) request["UserName"] = args.positional[1];
  const auto reply = call(config, "ListAccessKeys", request);
  if (!reply) return 1;
  std::printf("%-22s %-24s %-10s %s\n", "ACCESS KEY ID", "NAME", "POLICY", "CREATED");
  for (const auto& key : (*reply)["AccessKeyMetadata"]) {
    const auto created = timestamp_member(key, "CreateDate");
    std::printf("%-22s %-24s %-10s %s\n", key.value("AccessKeyId", "").c_str(), key.value("UserName", "").c_str(),
                key.value("PolicyName", "").c_str(), created ? utc_time(*created).c_str() : "-");
  }
  return 0;
}

int remove(const Config& config, const ParsedArgs& args) {
  if (args.positional.size() != 2) return usage_error("key rm takes ACCESS_KEY_ID", "key");
  if (!call(config, "DeleteAccessKey", {{"AccessKeyId", args.positional[1]}})) return 1;
  std::cout << "deleted " << args.positional[1] << "\n";
  return 0;
}

}  // namespace

int key_verb(const Words& words) {
  auto flags = config_flags();
  flags.insert("policy");
  auto args = parse_args(words, flags);
  if (!args) return usage_error(args.error().message, "key");
  if (args->help) {
    std::cout << verb_usage("key");
    return 0;
  }
  if (args->positional.empty()) return usage_error("key needs create, ls or rm", "key");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "key");
  const std::string& sub = args->positional[0];
  if (sub == "create") return create(*config, *args);
  if (sub == "ls") return list(*config, *args);
  if (sub == "rm") return remove(*config, *args);
  return usage_error("unknown key command '" + sub + "'", "key");
}

}  // namespace berth::cli
