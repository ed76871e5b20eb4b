#!/bin/sh
# Enforces DESIGN.md §2: which layer may include which, and where third-party headers may
# appear. Prints each violation as FILE:LINE and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.."

# Layers each layer may include (besides itself and common/, which is open to all). cli/ is the
# composition layer: its verbs build and wire the parts of every layer. main.cpp only picks a verb.
allowed() {
  case "$1" in
    common) echo "" ;;
    model) echo "" ;;
    place) echo "model" ;;
    sched) echo "place model" ;;
    store) echo "model" ;;
    runtime) echo "model" ;;
    agent) echo "runtime store model" ;;
    svc) echo "sched store model" ;;
    api) echo "svc model" ;;
    cli) echo "api svc sched place store agent runtime model" ;;
    main.cpp) echo "cli" ;;
    *) echo "" ;;
  esac
}

status=0

for file in $(find src -name '*.cpp' -o -name '*.hpp' | sort); do
  layer=$(echo "$file" | cut -d/ -f2)
  ok="$layer common $(allowed "$layer")"
  grep -n '^#include "' "$file" | while IFS= read -r hit; do
    line=${hit%%:*}
    target=$(echo "$hit" | sed -E 's/.*#include "([^"]+)".*/\1/')
    target_layer=${target%%/*}
    case " $ok " in
      *" $target_layer "*) ;;
      *) echo "$file:$line: layer '$layer' may not include '$target'" ;;
    esac
  done
  # Third-party headers stay in their layer.
  if grep -qn '#include <httplib.h>' "$file" && [ "$layer" != "api" ] && ! echo "$file" | grep -q '^src/runtime/http/'; then
    echo "$file: httplib.h belongs to api/ and the HTTP client wrapper (runtime/http/)"
  fi
  # mbedTLS: TLS in the HTTP client wrapper, the shim's syslog over TLS (runtime/tls/) and the API server (api/tls/); SHA-256/HMAC for request signatures in api/auth/.
  if grep -qn '#include <mbedtls/' "$file" && ! echo "$file" | grep -qE '^src/(runtime/http|runtime/tls|api/auth|api/tls)/'; then
    echo "$file: mbedTLS belongs to the HTTP client wrapper (runtime/http/), the shim's syslog over TLS (runtime/tls/), request signing (api/auth/) and the API's TLS (api/tls/)"
  fi
  # Nettle: the accelerated SHA-256 behind common/sha256.hpp, nowhere else.
  if grep -qn '#include <nettle/' "$file" && [ "$file" != "src/common/sha256.cpp" ]; then
    echo "$file: Nettle belongs to common/sha256.cpp (use common/sha256.hpp)"
  fi
  if grep -qn '#include <sqlite3.h>' "$file" && [ "$layer" != "store" ]; then
    echo "$file: sqlite3.h belongs to store/"
  fi
  # The replicated control plane's engine: its node wrapper alone (store/dqlite/node.cpp).
  if grep -qn '#include <dqlite.h>\|#include <raft.h>\|#include <uv.h>' "$file" && ! echo "$file" | grep -q '^src/store/dqlite/'; then
    echo "$file: dqlite.h (and raft.h, uv.h) belong to store/dqlite/"
  fi
  if grep -qn '#include <seccomp.h>' "$file" && ! echo "$file" | grep -q '^src/runtime/linux/'; then
    echo "$file: seccomp.h belongs to runtime/linux/"
  fi
  if [ "$layer" = "sched" ] || [ "$layer" = "place" ]; then
    if grep -qnE '#include <(nlohmann|httplib|sqlite3|seccomp|nettle)' "$file"; then
      echo "$file: sched/ and place/ use no third-party headers"
    fi
  fi
done > /tmp/berth-check-deps.$$
if [ -s /tmp/berth-check-deps.$$ ]; then
  cat /tmp/berth-check-deps.$$
  status=1
fi
rm -f /tmp/berth-check-deps.$$
[ "$status" -eq 0 ] && echo "check-deps: layering rule holds"
exit "$status"
