#!/usr/bin/env bash
# npm run simulate:mutants — for each test/sim/mutants/*.patch (a `git diff` reintroducing a fixed bug, with a
# `# sim-mutant seed=N ops=M` header line): a temporary git worktree of HEAD, the patch applied, node_modules
# linked, `simulate:faults --seed N --ops M` run; the mutant must make it exit 1. Prints one line per mutant
# ("caught by <invariant> at seed N, ops M" or "NOT caught") and exits 1 if any is not caught.
# Uses TEST_DATABASE_URL / DATABASE_URL like simulate:faults (else an embedded PostgreSQL per run).
set -uo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
failed=0
for patch in test/sim/mutants/*.patch; do
  name=$(basename "$patch" .patch)
  header=$(grep -m1 '^# sim-mutant' "$patch")
  seed=$(sed -n 's/.*seed=\([0-9]*\).*/\1/p' <<<"$header")
  ops=$(sed -n 's/.*ops=\([0-9]*\).*/\1/p' <<<"$header")
  if [ -z "$seed" ] || [ -z "$ops" ]; then
    echo "$name: no '# sim-mutant seed=N ops=M' header"
    failed=1
    continue
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/refill-mutant-$name-XXXX")
  rmdir "$dir"
  git worktree add --quiet --detach "$dir" HEAD
  ln -s "$root/node_modules" "$dir/node_modules"
  if ! git -C "$dir" apply "$root/$patch"; then
    echo "$name: the patch no longer applies to HEAD"
    failed=1
  else
    out=$(cd "$dir" && npm run --silent simulate:faults -- --seed "$seed" --ops "$ops" --no-bisect 2>&1)
    code=$?
    invariant=$(grep -m1 -A1 'invariant broken after op' <<<"$out" | tail -1 | sed 's/^ *//; s/: [\[{].*//')
    if [ "$code" -eq 1 ] && [ -n "$invariant" ]; then
      echo "$name: caught by \"$invariant\" at seed $seed, ops $ops"
    else
      echo "$name: NOT caught at seed $seed, ops $ops (exit $code)"
      failed=1
    fi
  fi
  git worktree remove --force "$dir"
done
exit $failed
