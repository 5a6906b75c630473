#!/usr/bin/env bash
# Fails when a module includes a header of a module above it, or a header that
# is not under the folder of the module owning it. The graph is the one
# docs/ARCHITECTURE.md draws; a module may include its own headers and those of
# the modules listed after it here.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

declare -A may_include=(
  [crypto]="crypto"
  [fingerprint]="fingerprint crypto"
  [dongle]="dongle fingerprint crypto"
  [activation]="activation dongle fingerprint crypto"
  [client]="client activation dongle fingerprint crypto"
  [offline]="offline activation dongle fingerprint crypto"
  [audit]="audit activation dongle fingerprint crypto"
  [server-stub]="server audit offline client activation dongle fingerprint crypto"
  [cli]="audit offline client activation dongle fingerprint crypto"
)
# The folder that owns each include path's name.
declare -A folder_of=([server]=server-stub)

failures=0
for folder in "${!may_include[@]}"; do
  # Public headers live under <folder>/include/nodelock/<name>/, <name> being
  # the folder's own (server for server-stub).
  own=${may_include[$folder]%% *}
  if [ -d "$folder/include/nodelock" ]; then
    for dir in "$folder"/include/nodelock/*/; do
      name=$(basename "$dir")
      if [ "$name" != "$own" ]; then
        echo "check_layout: $dir: headers of $folder/ belong under $folder/include/nodelock/$own/"
        failures=$((failures + 1))
      fi
    done
  fi
  allowed=" ${may_include[$folder]} "
  while IFS=: read -r file line include; do
    name=$(sed -E 's@.*"nodelock/([a-z_]+)/.*@\1@' <<<"$include")
    if [[ "$allowed" != *" $name "* ]]; then
      owner=${folder_of[$name]:-$name}
      echo "check_layout: $file:$line includes $owner/ (nodelock/$name/), a module $folder/ may not use"
      failures=$((failures + 1))
    fi
  done < <(grep -rnoE '^#include "nodelock/[a-z_]+/[^"]+"' --include='*.h' --include='*.cpp' "$folder" || true)
done

if [ "$failures" -gt 0 ]; then
  echo "check_layout: $failures place(s) break the module layout (docs/ARCHITECTURE.md)"
  exit 1
fi
echo "check_layout: every include follows the module graph"
