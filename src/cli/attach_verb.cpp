// `berth attach TASK CONTAINER`: this terminal's input to a running container's stdin and its
// live output here, through the socket its shim serves (root only; no daemon needed, so it works
// across berth's restarts). Ctrl-C detaches and leaves the container running.

#include <cerrno>
#include <iostream>

#include "cli/container_address.hpp"
#include "cli/frame_relay.hpp"
#include "cli/runc_paths.hpp"
#include "cli/usage.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"
#include "runtime/linux/unix_socket.hpp"
#include "runtime/shim/shim.hpp"

namespace berth::cli {

int attach_verb(const Words& words) {
  auto args = parse_args(words, config_flags());
  if (!args) return usage_error(args.error().message, "attach");
  if (args->help) {
    std::cout << verb_usage("attach");
    return 0;
  }
  if (args->positional.size() != 2) return usage_error("attach takes TASK CONTAINER", "attach");
  auto address = parse_container_address(args->positional[0], args->positional[1]);
  if (!address) return usage_error(address.error().message, "attach");
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "attach");
  const std::string path = runc_paths(*config).state_root + "/" + runtime_id_of(*address) + "/" + runtime::k_attach_socket;
  auto socket = runtime::connect_unix(path);
  if (!socket) {
    const int error = socket.error().sys_errno;
    std::cerr << "berth: " << (error == ENOENT || error == ECONNREFUSED
                                   ? "container '" + address->container + "' of task " + address->task_id + " is not running on this gateway"
                                   : socket.error().message)
              << "\n";
    return 1;
  }
  return relay_frames(socket->get(), {});
}

}  // namespace berth::cli
