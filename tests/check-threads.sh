#!/bin/sh
# Clang's thread-safety analysis over every source file: a member marked BERTH_GUARDED_BY read or
# written without its lock, or a BERTH_REQUIRES function called without it, is an error
# (src/common/thread_annotations.hpp). Syntax only: nothing is built. Then a deliberate
# violation must be refused, so a compiler that ignores the annotations cannot pass the check.
# Usage: tests/check-threads.sh CLANG THIRD_PARTY_DIR [FLAGS...] (FLAGS: the language mode)
set -u
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 CLANG THIRD_PARTY_DIR [FLAGS...]" >&2; exit 2; }
cxx=$1
third_party=$2
shift 2
flags="$* -fsyntax-only -Wthread-safety -Werror=thread-safety -Isrc -isystem $third_party"

# Guarded members are private (m_*), so only the member functions of their classes can touch
# them, and those are defined in the files that include the class's header directly (or in the
# header itself). Those files, and any that use the annotations themselves, are analysed: a
# quarter of the tree, so the check takes a minute or two instead of twelve on 2 cores.
annotated_headers=$(grep -rl 'BERTH_GUARDED_BY\|BERTH_PT_GUARDED_BY\|BERTH_REQUIRES' src --include='*.hpp' | sed 's|^src/||')
includes=$(printf '#include "%s"\n' $annotated_headers common/thread_annotations.hpp)
files=$( (grep -rlF "$includes" src --include='*.cpp'
          grep -rl 'BERTH_GUARDED_BY\|BERTH_PT_GUARDED_BY\|BERTH_REQUIRES\|MutexLock' src --include='*.cpp') | sort -u)
# shellcheck disable=SC2086
if ! printf '%s\n' $files | xargs -P "$(nproc)" -n 1 "$cxx" $flags; then
  echo "check-threads: the analysis refused the code above" >&2
  exit 1
fi

violation='#include "common/thread_annotations.hpp"
struct Counter {
  berth::Mutex mutex;
  int count BERTH_GUARDED_BY(mutex) = 0;
  int unlocked_read() { return count; }
};'
# shellcheck disable=SC2086
refused=$(printf '%s\n' "$violation" | "$cxx" $flags -x c++ - 2>&1)
case "$refused" in
  *"reading variable 'count' requires holding mutex 'mutex'"*) ;;
  *)
    echo "check-threads: $cxx did not refuse an unguarded read; the analysis is not working:" >&2
    echo "$refused" >&2
    exit 1
    ;;
esac
echo "check-threads: $(printf '%s\n' $files | wc -l) files analysed, no unguarded access"
