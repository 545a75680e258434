#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# check-reproducible.sh: builds NetFloor twice, each time from a clean copy of the working tree in its
# own directory (tracked and untracked files, nothing ignored such as target/), and compares every
# jar the two builds made byte for byte (SHA-256). The second build also runs under another umask
# and time zone, so file modes, local times and absolute paths that leak into a jar show up too.
# Exit 0: every jar identical; 1: a jar differs or is missing from one build; 2: a build failed.
#
# Usage: scripts/check-reproducible.sh [extra Maven arguments, e.g. -o]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/netfloor-repro.XXXXXX")"
trap 'rm -rf "$work"' EXIT

copy_tree() { # copy_tree DEST: the working tree's files as git sees them, without build output
  mkdir -p "$1"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard \
      | while IFS= read -r -d '' f; do [[ -e "$f" ]] && printf '%s\0' "$f"; done \
      | tar --null -T - -cf -) | tar -xf - -C "$1"
}

build() { # build DIR UMASK TZ [maven args]
  local dir="$1" mask="$2" zone="$3"; shift 3
  echo "check-reproducible: building in $dir (umask $mask, TZ=$zone)" >&2
  if ! (cd "$dir" && umask "$mask" && TZ="$zone" mvn -B -q package -DskipTests "$@") \
      >"$dir.log" 2>&1; then
    tail -n 50 "$dir.log" >&2
    echo "check-reproducible: the build in $dir failed (log above)" >&2
    exit 2
  fi
}

jars() { # jars DIR: every jar under a target/ directory, relative to DIR, sorted
  (cd "$1" && find . -path '*/target/*' -name '*.jar' -type f | sed 's|^\./||' | LC_ALL=C sort)
}

copy_tree "$work/a"
copy_tree "$work/b"
build "$work/a" 0022 UTC "$@"
build "$work/b" 0002 Pacific/Kiritimati "$@"

jars "$work/a" >"$work/a.jars"
jars "$work/b" >"$work/b.jars"
if [[ ! -s "$work/a.jars" ]]; then
  echo "check-reproducible: the build made no jar" >&2
  exit 1
fi

status=0
if ! diff -u "$work/a.jars" "$work/b.jars" >&2; then
  echo "check-reproducible: the two builds made different sets of jars (above)" >&2
  status=1
fi
count=0
while IFS= read -r jar; do
  [[ -f "$work/b/$jar" ]] || continue
  count=$((count + 1))
  sum_a="$(sha256sum <"$work/a/$jar" | cut -d' ' -f1)"
  sum_b="$(sha256sum <"$work/b/$jar" | cut -d' ' -f1)"
  if [[ "$sum_a" != "$sum_b" ]]; then
    status=1
    echo "DIFFERS  $jar  $sum_a != $sum_b" >&2
    # which entries differ (size, CRC or time), to find the plugin that is not reproducible
    diff <(unzip -lv "$work/a/$jar" | sed '$d' | tail -n +4) \
         <(unzip -lv "$work/b/$jar" | sed '$d' | tail -n +4) | head -n 20 >&2 || true
  else
    echo "same     $jar  $sum_a"
  fi
done <"$work/a.jars"

if [[ "$status" -eq 0 ]]; then
  echo "check-reproducible: all $count jars are identical in both builds"
else
  echo "check-reproducible: the builds are not reproducible" >&2
fi
exit "$status"
