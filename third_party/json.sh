#!/bin/sh
# Puts nlohmann/json's header (Debian's nlohmann-json3-dev, pinned by SHA-256) into the build tree
# without its two user-defined literals, `"..."_json` and `"..."_json_pointer`, which berth never
# uses. Why: they are inline functions that call json::parse, and GCC instantiates what an inline
# function's body uses at the end of every translation unit, again in each one, since a
# precompiled header does not keep those instantiations. The literal's parse (its parser and
# lexer for `const char*`) cost about 0.5 s of CPU in every file that includes the header, an
# empty one too (0.8 s -> 0.3 s), and about 1,400 files are compiled per CI run. The build's
# -isystem of the build tree comes before /usr/include and the sysroots, so this copy is the one
# included; json.hpp's own includes (nlohmann/detail/...) still come from the package.
# Usage: third_party/json.sh OUT_DIR      (writes OUT_DIR/nlohmann/json.hpp)
set -eu
PACKAGE_HEADER=/usr/include/nlohmann/json.hpp
# nlohmann-json3-dev 3.11.2-2 (Debian 12), and the header made from it.
PACKAGE_SHA256="bbf96a24a8d59ef79467761e2a803537e1476909bb7d6baed23094a1833c088c"
MADE_SHA256="07581db44c8f19c9b64f10e99a516a043d087d881f60487466c8886571401d8a"

out="$1/nlohmann/json.hpp"
# The package first, even when the copy is made: the copy with another version's nlohmann/detail
# headers would build quietly into a mix of two versions.
echo "$PACKAGE_SHA256  $PACKAGE_HEADER" | sha256sum -c --quiet - 2>/dev/null || {
  echo "third_party/json.sh: $PACKAGE_HEADER is not nlohmann-json3-dev 3.11.2-2's (Debian 12), which" \
       "the copy is pinned to; another version needs both hashes here updated" >&2
  exit 1
}
if [ -f "$out" ] && echo "$MADE_SHA256  $out" | sha256sum -c --quiet - 2>/dev/null; then
  exit 0
fi
mkdir -p "$(dirname "$out")"
# A name of its own, as two makes (x86_64 and armhf) may make the copy at once.
made=$(mktemp "$out.XXXXXX")
trap 'rm -f "$made"' EXIT
# Drops the literals' namespace (from its opening line to the namespace's end macro that follows)
# and the two using-declarations that bring the literals into the global namespace.
awk '
  /^inline namespace literals$/ { skipping = 1 }
  skipping && /^NLOHMANN_JSON_NAMESPACE_END$/ { skipping = 0 }
  skipping { next }
  /using nlohmann::literals::json_literals::operator/ { next }
  { print }
' "$PACKAGE_HEADER" > "$made"
# The result is pinned too: a change in the edit, or in awk, shows here and not as a build error.
echo "$MADE_SHA256  $made" | sha256sum -c --quiet - || {
  echo "third_party/json.sh: the edited header is not the one pinned" >&2
  exit 1
}
chmod 644 "$made"
mv "$made" "$out"
