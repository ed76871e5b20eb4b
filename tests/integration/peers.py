"""`berth-with-engine peers` for the replicated control plane's tests (test_replicated_plane on
loopback, test_control_plane_ha in network namespaces): the binary found beside berth, a `peers`
command against a list of peer addresses, and its `list` parsed."""
import os
import subprocess

from harness import BERTH, wait_for

ENGINE = os.path.join(os.path.dirname(os.path.abspath(BERTH)), "berth-with-engine")


def peers(addresses, *args):
    """`berth-with-engine peers ARGS --peers ADDRESSES` (the completed process)."""
    return subprocess.run([ENGINE, "peers", *args, "--peers", ",".join(addresses), "--config", "/dev/null"],
                          capture_output=True, text=True, timeout=60)


def peers_list(addresses):
    """`peers list`: {address: (role, leads?)}, or None when it failed (no leader reached)."""
    out = peers(addresses, "list")
    if out.returncode != 0:
        return None
    members = {}
    for line in out.stdout.splitlines()[1:]:
        cells = line.split()
        members[cells[1]] = (cells[2], len(cells) > 3 and cells[3] == "leader")
    return members


def raft_leader(addresses, timeout=30):
    """The address of the member `peers list` shows leading, once one does."""
    members = wait_for("a Raft leader", lambda: (lambda m: m if m and any(leads for _, leads in m.values()) else None)(
        peers_list(addresses)), timeout)
    return next(address for address, (_, leads) in members.items() if leads)


def all_voters(addresses, count, timeout=60):
    """Waits until `peers list` shows `count` members, all voters; returns them."""
    return wait_for("%d voters" % count, lambda: (
        lambda m: m if m and len(m) == count and all(role == "voter" for role, _ in m.values()) else None)(
        peers_list(addresses)), timeout)
