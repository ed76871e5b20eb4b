// `berth peers list | add ADDR | remove ADDR`: the replicated control plane's membership, asked of
// its leader among the servers BERTH_PEERS (or --peers) names. Only a binary with the engine
// (berth-with-engine) has it; `berth` says so (cli/control_plane.hpp).
#include <iostream>

#include "cli/control_plane.hpp"
#include "cli/table.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

int print_members(const std::vector<std::string>& servers) {
  auto members = list_peers(servers);
  if (!members) {
    std::cerr << "berth: " << members.error().message << "\n";
    return 1;
  }
  std::vector<Row> rows{{"ID", "ADDRESS", "ROLE", "LEADER"}};
  for (const auto& member : *members) {
    rows.push_back({std::to_string(member.id), member.address, member.role, member.leader ? "leader" : ""});
  }
  std::cout << format_table(rows);
  return 0;
}

}  // namespace

int peers_verb(const Words& words) {
  auto flags = config_flags();
  flags.insert({"peers", "peer-address"});
  auto args = parse_args(words, flags);
  if (!args) return usage_error(args.error().message, "peers");
  if (args->help) {
    std::cout << verb_usage("peers");
    return 0;
  }
  if (args->positional.empty()) return usage_error("peers needs list, add ADDR or remove ADDR", "peers");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "peers");
  if (config->peers.empty()) return usage_error("no servers to ask: set BERTH_PEERS in berth.conf or pass --peers", "peers");
  const auto& command = args->positional[0];
  if (command == "list") {
    if (args->positional.size() != 1) return usage_error("peers list takes no arguments", "peers");
    return print_members(config->peers);
  }
  if (command != "add" && command != "remove") return usage_error("unknown peers command '" + command + "'", "peers");
  if (args->positional.size() != 2) return usage_error("peers " + command + " takes one server address (IPV4:PORT)", "peers");
  const auto address = check_peer_address("the server's address", args->positional[1]);
  if (!address) return usage_error(address.error().message, "peers");
  if (command == "add") {
    auto done = add_peer(config->peers, *address);
    if (!done) {
      std::cerr << "berth: " << done.error().message << "\n";
      return 1;
    }
    std::cout << *done << "\n";
    return 0;
  }
  if (auto removed = remove_peer(config->peers, *address); !removed) {
    std::cerr << "berth: " << removed.error().message << "\n";
    return 1;
  }
  std::cout << *address << " removed from the control plane\n";
  return 0;
}

}  // namespace berth::cli
