// Joining two plain stream sockets into one conversation: what one sends the other receives,
// both ways, until either ends (a relayed session's user and agent connections on the serving
// gateway; the server's connection and a container's attach socket on a joined gateway). It is
// relay_channel (common/channel_relay.hpp) with one side a plain socket: the same poll() loop and
// the same bounded buffers (k_channel_relay_buffer each way). Blocks the calling thread.
#pragma once

namespace berth {

// Relays between `a` and `b` until one ends and what it sent is delivered, or either fails; then
// shuts the other's writing down and closes both (owned from the call).
void splice_sockets(int a, int b);

}  // namespace berth
