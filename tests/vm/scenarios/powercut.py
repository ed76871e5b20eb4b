"""One round of the power-cut test (tests/vm/powercut.sh boots the same disk once per round and
kills qemu from its monitor, with no shutdown, while this streams writes).

Each boot: the first installs berth from its .deb; later ones check that every write acknowledged
before the earlier cuts (build/vm/powercut-acked, gathered by the host from the console) is
present and that `PRAGMA integrity_check` says ok. Then, unless FINAL is set, it registers task
definition revisions one after another and prints `ack REVISION` on the console after each 200,
until the power goes."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(__file__))
from vmlib import ROOT, Checks, ecs, install_berth, selection, say, wait_until, api_up

DATABASE = "/var/lib/berth/berth.db"
FAMILY = "powercut"


def stored_revisions():
    revisions, token = set(), None
    while True:
        body = {"familyPrefix": FAMILY, "maxResults": 100}
        if token:
            body["nextToken"] = token
        reply = ecs("ListTaskDefinitions", body)
        revisions.update(int(arn.rsplit(":", 1)[1]) for arn in reply["taskDefinitionArns"])
        token = reply.get("nextToken")
        if not token:
            return revisions


def integrity():
    """integrity_check on a read-only connection beside the running berth (WAL: readers do not
    block it and see its committed state)."""
    connection = sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def check_earlier_rounds(checks):
    checks.check("berth came back by itself after the power cut", wait_until(api_up, 300))
    with open(os.path.join(ROOT, "build/vm/powercut-acked")) as f:
        acked = {int(line) for line in f if line.strip()}
    stored = stored_revisions()
    missing = sorted(acked - stored)
    checks.check(f"every acknowledged write is present ({len(acked)} acknowledged, {len(stored)} stored)",
                 not missing, f"missing {missing[:20]}")
    result = integrity()
    checks.check("PRAGMA integrity_check", result == "ok", result)
    # A lost revision would be handed out again: the next one must be above every stored one.
    latest = ecs("RegisterTaskDefinition", definition("after-cut"))["taskDefinition"]["revision"]
    checks.check("the next revision follows the stored ones", latest > max(stored | {0}), f"{latest}")


def definition(tag):
    return {"family": FAMILY, "networkMode": "host", "containerDefinitions": [
        {"name": "main", "image": "busybox", "memory": 16, "environment": [{"name": "ROUND", "value": tag}]}]}


def stream(tag):
    say("streaming writes")
    while True:
        revision = ecs("RegisterTaskDefinition", definition(tag))["taskDefinition"]["revision"]
        # The " ." marks a whole line: the host ignores a line the cut left half-written.
        print(f"ack {revision} .", flush=True)


def main():
    settings = selection()
    checks = Checks()
    if settings["ROUND"] == "0":
        if not install_berth(checks):
            return checks.summary() or 1
    else:
        check_earlier_rounds(checks)
    print(f"round {settings['ROUND']}: {checks.passed} passed, {checks.failed} failed", flush=True)
    if settings.get("FINAL") or checks.failed:
        return checks.summary()
    stream(settings["ROUND"])


if __name__ == "__main__":
    sys.exit(main())
