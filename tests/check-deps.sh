#!/bin/sh
# Enforces DESIGN.md §2: which layer may include which, and where third-party headers may
# appear. Prints each violation as FILE:LINE and exits 1 if there is any.
# One awk pass over every source file: the shell loop it replaces ran a dozen processes a file
# and took a minute of two cores (2026-12-05), long enough for a time-limited caller to kill it.
set -u
cd "$(dirname "$0")/.."

# xargs may split the list over several awk runs: each reports what it finds, any failure fails.
if ! find src -name '*.cpp' -o -name '*.hpp' | sort | xargs awk '
# Layers each layer may include (besides itself and common/, which is open to all). cli/ is the
# composition layer: its verbs build and wire the parts of every layer. main.cpp only picks a verb.
BEGIN {
  allowed["place"] = "model"
  allowed["sched"] = "place model"
  allowed["store"] = "model"
  allowed["runtime"] = "model"
  allowed["agent"] = "runtime store model"
  allowed["svc"] = "sched store model"
  allowed["api"] = "svc model"
  allowed["cli"] = "api svc sched place store agent runtime model"
  allowed["main.cpp"] = "cli"
  bad = 0
}

function report(message) { print message; bad = 1 }

# The third-party headers a file includes, each checked once the whole file is read.
function check_third_party(file, layer) {
  if (has["httplib"] && layer != "api" && file !~ /^src\/runtime\/http\//)
    report(file ": httplib.h belongs to api/ and the HTTP client wrapper (runtime/http/)")
  # mbedTLS: TLS in the HTTP client wrapper, the shim syslog over TLS (runtime/tls/) and the API
  # server (api/tls/); SHA-256/HMAC for request signatures in api/auth/.
  if (has["mbedtls"] && file !~ /^src\/(runtime\/http|runtime\/tls|api\/auth|api\/tls)\//)
    report(file ": mbedTLS belongs to the HTTP client wrapper (runtime/http/), the shim'"'"'s syslog over TLS (runtime/tls/), request signing (api/auth/) and the API'"'"'s TLS (api/tls/)")
  # Nettle: the accelerated SHA-256 behind common/sha256.hpp, nowhere else.
  if (has["nettle"] && file != "src/common/sha256.cpp")
    report(file ": Nettle belongs to common/sha256.cpp (use common/sha256.hpp)")
  if (has["sqlite3"] && layer != "store") report(file ": sqlite3.h belongs to store/")
  # The replicated control plane engine: its node wrapper alone (store/dqlite/node.cpp).
  if (has["dqlite"] && file !~ /^src\/store\/dqlite\//)
    report(file ": dqlite.h (and raft.h, uv.h) belong to store/dqlite/")
  if (has["seccomp"] && file !~ /^src\/runtime\/linux\//) report(file ": seccomp.h belongs to runtime/linux/")
  if ((layer == "sched" || layer == "place") && has["any"])
    report(file ": sched/ and place/ use no third-party headers")
}

FNR == 1 {
  if (file != "") check_third_party(file, layer)
  file = FILENAME
  split(file, parts, "/")
  layer = parts[2]
  ok = " " layer " common " allowed[layer] " "
  split("", has)
}

/^#include "/ {
  target = $0
  sub(/^#include "/, "", target)
  sub(/".*/, "", target)
  target_layer = target
  sub(/\/.*/, "", target_layer)
  if (index(ok, " " target_layer " ") == 0) report(file ":" FNR ": layer '"'"'" layer "'"'"' may not include '"'"'" target "'"'"'")
}

/#include <httplib\.h>/ { has["httplib"] = 1 }
/#include <mbedtls\// { has["mbedtls"] = 1 }
/#include <nettle\// { has["nettle"] = 1 }
/#include <sqlite3\.h>/ { has["sqlite3"] = 1 }
/#include <(dqlite|raft|uv)\.h>/ { has["dqlite"] = 1 }
/#include <seccomp\.h>/ { has["seccomp"] = 1 }
/#include <(nlohmann|httplib|sqlite3|seccomp|nettle)/ { has["any"] = 1 }

END {
  if (file != "") check_third_party(file, layer)
  exit bad
}
'; then
  exit 1
fi
echo "check-deps: layering rule holds"
