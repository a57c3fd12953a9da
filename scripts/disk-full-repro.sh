#!/usr/bin/env bash
# Issue 16's reproduction, at every fill level: a 16 MiB tmpfs holding the data dir with one lstm
# version (smoke profile) current; filled to leave 8, 16, ..., 128 KiB; then a second
# `mizan train lstm --profile smoke --skip-snapshot --end 2022-09-30`; then the space freed and the
# same command again. One row per fill level: the run's exit code, whether its failure was one line
# (no stack trace), whether the data dir is consistent afterwards (scripts/check-data-dir.ts), what
# it left for the next run, and the retry's exit code, time and consistency.
# Needs root (mount -t tmpfs). Usage: sudo scripts/disk-full-repro.sh [WORK_DIR]
# MIZAN_ROOT=/other/checkout runs that checkout's mizan (e.g. an earlier commit), checked by this one.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MIZAN_ROOT=${MIZAN_ROOT:-$ROOT}
WORK=${1:-$(mktemp -d /tmp/mizan-disk-full-XXXXXX)}
FS=$WORK/tmpfs
DATA=$FS/data
mkdir -p "$FS" "$WORK/cwd"
mount -t tmpfs -o size=16m tmpfs "$FS" || { echo "cannot mount a tmpfs at $FS (root needed)" >&2; exit 2; }
trap 'umount "$FS"' EXIT

mizan() { (cd "$WORK/cwd" && timeout 600 node "$MIZAN_ROOT/bin/mizan.mjs" "$@"); }
check() { node "$ROOT/bin/run-ts.mjs" "$ROOT/scripts/check-data-dir.ts" "$@"; }
SECOND=(train lstm --profile smoke --skip-snapshot --end 2022-09-30 --data-dir "$DATA")

mizan train lstm --profile smoke --skip-snapshot --data-dir "$DATA" > "$WORK/first.json" 2> "$WORK/first.err" || { cat "$WORK/first.err" >&2; exit 1; }
FIRST=$(readlink "$DATA/models/lstm/current")
cp -a "$DATA" "$WORK/prepared" # outside the tmpfs: each level starts from it

printf '%-9s %-5s %-9s %-10s %-44s %-6s %-7s %-10s\n' free exit one-line consistent 'left for the next run' retry seconds consistent
for free_kib in $(seq 8 8 128); do
  rm -rf "$DATA" "$FS/fill"
  cp -a "$WORK/prepared" "$DATA"
  avail=$(df --output=avail -B1 "$FS" | tail -1)
  fallocate -l $((avail - free_kib * 1024)) "$FS/fill"
  mizan "${SECOND[@]}" > "$WORK/run.out" 2> "$WORK/run.err"
  code=$?
  one_line=yes
  if grep -qE '^\s+at ' "$WORK/run.err"; then one_line=no; fi
  if [ "$code" -ne 0 ] && ! tail -1 "$WORK/run.err" | grep -qE '^(mizan: |mizan train failed: |training failed: )'; then one_line=no; fi
  check "$DATA" --kind lstm --exit "$code" --stdout "$WORK/run.out" --current-before "$FIRST" > "$WORK/check.txt"
  consistent=$([ $? -eq 0 ] && echo yes || echo NO)
  left=$(grep -c '^pending' "$WORK/check.txt")
  left_text=$([ "$left" -eq 0 ] && echo nothing || grep '^pending' "$WORK/check.txt" | sed 's/^pending: //; s/ v20[0-9.]*-[0-9a-f]*//' | paste -sd ';' | cut -c1-44)
  cp "$WORK/run.err" "$WORK/run-$free_kib.err"; cp "$WORK/check.txt" "$WORK/check-$free_kib.txt"

  rm -f "$FS/fill"
  before_retry=$(readlink "$DATA/models/lstm/current" 2>/dev/null || true)
  start=$(date +%s.%N)
  mizan "${SECOND[@]}" > "$WORK/retry.out" 2> "$WORK/retry.err"
  retry=$?
  seconds=$(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f')
  check "$DATA" --kind lstm --exit "$retry" --stdout "$WORK/retry.out" --current-before "$before_retry" > "$WORK/retry-check.txt"
  retry_consistent=$([ $? -eq 0 ] && ! grep -q '^pending' "$WORK/retry-check.txt" && echo yes || echo NO)
  cp "$WORK/retry.err" "$WORK/retry-$free_kib.err"; cp "$WORK/retry-check.txt" "$WORK/retry-check-$free_kib.txt"
  printf '%-9s %-5s %-9s %-10s %-44s %-6s %-7s %-10s\n' "${free_kib} KiB" "$code" "$one_line" "$consistent" "$left_text" "$retry" "$seconds" "$retry_consistent"
done
echo "details (stderr and checks per level): $WORK"
