#!/bin/sh
# Benchmarks (not tests): builds every target, then measures size, idle RSS, start latency and
# API throughput (plain and TLS), log throughput into the CloudWatch Logs store, the cost of sampling container metrics,
# DNS answers per second, connections through load balancer listeners against straight to a task
# (lb_bench.py), a cluster of 1,000 hollow joined agents (cluster_scale_bench.py), the replicated
# control plane's engine (write latency, RSS, binary size per target, failover time) and its servers
# under the API (replicated_api_bench.py), each with a baseline
# measured in the same run. Usage: tests/bench/run.sh
set -eu
cd "$(dirname "$0")/../.."
for target in "" aarch64 armhf; do
  make -s -j"$(nproc)" CROSS=$target all >/dev/null 2>&1 || make -j"$(nproc)" CROSS=$target all
done
make -s build/images/busybox.tar build/x86_64-linux-gnu/berth-placement-bench \
  build/x86_64-linux-gnu/berth-metrics-scrape-bench build/x86_64-linux-gnu/berth-log-store-bench \
  build/x86_64-linux-gnu/berth-hollow-agents build/x86_64-linux-gnu/berth-replicated-store-bench >/dev/null
echo "== placement (one core)"
taskset -c 0 build/x86_64-linux-gnu/berth-placement-bench
echo "== /metrics scrape (one core)"
taskset -c 0 build/x86_64-linux-gnu/berth-metrics-scrape-bench
echo "== log store (one core)"
taskset -c 0 build/x86_64-linux-gnu/berth-log-store-bench
echo "== replicated control plane's engine (dqlite): write latency and RSS vs the SQLite file"
build/x86_64-linux-gnu/berth-replicated-store-bench
echo "== replicated control plane under the API: write latency and RSS vs one berth on the SQLite file"
/usr/bin/python3 tests/bench/replicated_api_bench.py
echo "== stripped size of berth with the engine linked in (berth-with-engine) vs berth"
stripped=$(mktemp)
for pair in :x86_64-linux-gnu:strip aarch64:aarch64-linux-gnu:aarch64-linux-gnu-strip \
            armhf:arm-linux-gnueabihf:arm-linux-gnueabihf-strip; do
  target=${pair%%:*} rest=${pair#*:}
  triple=${rest%%:*} strip=${rest#*:}
  make -s CROSS=$target "build/$triple/berth-with-engine" >/dev/null
  plain=$($strip -o "$stripped" "build/$triple/berth" && wc -c < "$stripped")
  with=$($strip -o "$stripped" "build/$triple/berth-with-engine" && wc -c < "$stripped")
  echo "$triple: berth $plain B; with the engine $with B (+$((with - plain)) B)"
done
rm -f "$stripped"
echo "== replicated control plane: failover time (leader SIGKILL -> first accepted write), three servers in network namespaces"
BERTH_FAILOVER_KILLS=20 tests/integration/run.sh build/x86_64-linux-gnu/berth \
  test_control_plane_ha.ReplicatedControlPlaneTest.test_sigkill_of_the_raft_leader_under_a_stream_of_writes 2>&1 |
  grep -E '^failover|^integration:'
/usr/bin/python3 tests/bench/bench.py
/usr/bin/python3 tests/bench/tls_bench.py
BERTH_TEST_IMAGES=build/images /usr/bin/python3 tests/bench/pull_bench.py
/usr/bin/python3 tests/bench/metrics_bench.py
/usr/bin/python3 tests/bench/logs_bench.py
/usr/bin/python3 tests/bench/dns_bench.py
/usr/bin/python3 tests/bench/lb_bench.py
/usr/bin/python3 tests/bench/cluster_scale_bench.py
exec /usr/bin/python3 tests/bench/runtime_bench.py
