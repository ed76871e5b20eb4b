"""DNS answers per second from berth's resolver for containers, against a baseline in the same run:
a trivial Python UDP responder that sends back one prepared reply (no lookup at all). One client
(this process) keeps WINDOW questions outstanding on one UDP socket for SECONDS each: berth answering
`web.bench` A and SRV (a Cloud Map service with 3 instances; the answer cache serves repeats within
250 ms), berth answering names that are never the same (each one a lookup in the store: NXDOMAIN in
its namespace), and the baseline. Usage: python3 tests/bench/dns_bench.py [SECONDS [WINDOW]]
(default 5, 32; no containers are started)."""
import multiprocessing
import os
import select
import socket
import struct
import sys
import tempfile
import time

from logs_bench import json_call
from runtime_bench import serve, stop_and_clean

SD_TARGET = "Route53AutoNaming_v20170314."


def sd_call(port, action, body):
    return json_call(port, SD_TARGET, action, body)


def query(qid, name, qtype):
    question = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + question + struct.pack(">HH", qtype, 1)


def responder(port_queue):
    """The baseline: answers every question with one prepared A record, its id copied."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port_queue.put(s.getsockname()[1])
    body = query(0, "web.bench", 1)[2:]
    reply_tail = struct.pack(">H", 0x8580) + body[2:4] + struct.pack(">H", 1) + body[6:] + \
        b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 5, 4) + socket.inet_aton("10.0.0.1")
    while True:
        data, addr = s.recvfrom(512)
        s.sendto(data[:2] + reply_tail, addr)


def answers_per_second(port, make_query, seconds, window):
    """Questions answered per second with `window` outstanding; also checks each reply's rcode."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    sent = answered = 0
    outstanding = 0
    last_reply = time.monotonic()
    start = time.monotonic()
    rcodes = {}
    while time.monotonic() - start < seconds:
        while outstanding < window:
            s.send(make_query(sent & 0xFFFF, sent))
            sent += 1
            outstanding += 1
        ready, _, _ = select.select([s], [], [], 0.2)
        if not ready:
            if time.monotonic() - last_reply > 0.5:
                outstanding = 0  # lost (a full socket buffer): ask again
            continue
        while True:
            try:
                reply = s.recv(4096)
            except BlockingIOError:
                break
            answered += 1
            outstanding -= 1
            last_reply = time.monotonic()
            rcode = reply[3] & 0xF
            rcodes[rcode] = rcodes.get(rcode, 0) + 1
    elapsed = time.monotonic() - start
    s.close()
    return answered / elapsed, rcodes


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    window = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    tmp = tempfile.mkdtemp(prefix="berth-dns-bench-")
    proc = None
    baseline = None
    try:
        proc, api_port = serve(tmp, "BERTH_DNS_LISTEN=127.0.0.1:0\n")
        log = open(tmp + "/log").read()
        dns_port = int(log.split("DNS for containers on 127.0.0.1:")[1].split()[0])
        op = sd_call(api_port, "CreatePrivateDnsNamespace", {"Name": "bench", "Vpc": "v"})["OperationId"]
        ns = sd_call(api_port, "GetOperation", {"OperationId": op})["Operation"]["Targets"]["NAMESPACE"]
        service = sd_call(api_port, "CreateService", {"Name": "web", "NamespaceId": ns, "DnsConfig": {
            "DnsRecords": [{"Type": "A", "TTL": 5}, {"Type": "SRV", "TTL": 5}]}})["Service"]
        for i in range(3):
            sd_call(api_port, "RegisterInstance", {"ServiceId": service["Id"], "InstanceId": "i%d" % i, "Attributes": {
                "AWS_INSTANCE_IPV4": "10.0.0.%d" % (i + 1), "AWS_INSTANCE_PORT": str(40000 + i)}})

        queue = multiprocessing.Queue()
        baseline = multiprocessing.Process(target=responder, args=(queue,), daemon=True)
        baseline.start()
        baseline_port = queue.get(timeout=10)

        a_query = lambda qid, n: query(qid, "web.bench", 1)
        srv_query = lambda qid, n: query(qid, "web.bench", 33)
        fresh_query = lambda qid, n: query(qid, "n%d.bench" % n, 1)
        figures = {}
        # Interleaved, twice each, best of two: the machine is shared.
        for _ in range(2):
            for name, port, make in (("baseline", baseline_port, a_query), ("berth A", dns_port, a_query),
                                     ("berth SRV", dns_port, srv_query), ("berth lookups", dns_port, fresh_query)):
                rate, rcodes = answers_per_second(port, make, seconds, window)
                figures[name] = max(figures.get(name, 0), rate)
                figures[name + " rcodes"] = rcodes
        base = figures["baseline"]
        print("== DNS answers per second (%d outstanding, %.0f s each, best of 2)" % (window, seconds))
        print("baseline (python UDP responder, prepared reply): %8.0f/s" % base)
        for name in ("berth A", "berth SRV", "berth lookups"):
            print("%-47s %8.0f/s  %.2fx baseline  rcodes %s" % (
                name + (" (web.bench, cached)" if name != "berth lookups" else " (new name each, NXDOMAIN)") + ":",
                figures[name], figures[name] / base, figures[name + " rcodes"]))
    finally:
        if baseline:
            baseline.terminate()
        stop_and_clean(proc, tmp)


if __name__ == "__main__":
    main()
