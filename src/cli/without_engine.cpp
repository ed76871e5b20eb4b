// The default `berth`: no replicated control plane's engine is linked (the Makefile's ENGINE_SRC
// split keeps dqlite, raft and libuv out of it), so --peers and `berth peers` refuse and name the
// binary that has it. Linked only into `berth`; berth-with-engine links cli/replicated/ instead.
#include "cli/control_plane.hpp"

namespace berth::cli {

Result<std::unique_ptr<ControlPlane>> start_control_plane(const Config&) { return fail(Code::invalid_parameter, k_no_engine); }

Result<std::vector<PeerInfo>> list_peers(const std::vector<std::string>&) { return fail(Code::invalid_parameter, k_no_engine); }

Result<std::string> add_peer(const std::vector<std::string>&, const std::string&) {
  return fail(Code::invalid_parameter, k_no_engine);
}

Result<void> remove_peer(const std::vector<std::string>&, const std::string&) { return fail(Code::invalid_parameter, k_no_engine); }

}  // namespace berth::cli
