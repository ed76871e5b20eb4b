// The bounds of every request a server of the replicated control plane makes to the cluster: a
// request that cannot reach the leader, or whose commit a majority does not answer, fails within
// a few seconds rather than holding an API worker (and the store's lock) for dqlite's defaults.
#pragma once

#include "store/dqlite/client.hpp"

namespace berth::cli {

inline store::dqlite::ClientOptions replicated_client_bounds() {
  store::dqlite::ClientOptions options;
  // On a site's LAN a live node answers a connection at once; the peers are tried in turn.
  options.connect_timeout = std::chrono::milliseconds(1000);
  // A request's round trip with its Raft commit: an election (1.5 s timeout) fits in it.
  options.io_timeout = std::chrono::milliseconds(5000);
  return options;
}

}  // namespace berth::cli
