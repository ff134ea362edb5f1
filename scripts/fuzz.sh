#!/usr/bin/env bash
# Runs the fuzz targets (cargo-fuzz, libFuzzer) for a while each, seeded from testdata and the
# corpus. Crashes land in fuzz/artifacts/<target>/; each one found becomes a regression test.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 600, every target)
# The machine's toolchain is stable; cargo-fuzz needs nightly flags, which RUSTC_BOOTSTRAP
# allows on stable. No sanitizer runtime is needed with `-s none`: libFuzzer's own checks and
# Rust's panics and overflow checks (debug assertions are on) catch the failures.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-600}
shift || true
TARGETS=${*:-reference scan kustomize template tree rules}
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Seeds: small real inputs for the scan target, reference strings for the grammar target.
mkdir -p fuzz/corpus/scan fuzz/corpus/reference fuzz/corpus/kustomize
find testdata/scan testdata/inferred testdata/values testdata/charts -type f -name '*.y*ml' -size -64k \
  -exec cp {} fuzz/corpus/scan/ \; 2>/dev/null || true
grep -rhoE 'input: "[^"]{1,200}"' src/reference/tests.rs | sed 's/^input: "//; s/"$//' | sort -u | \
  while IFS= read -r ref; do printf '%s' "$ref" > "fuzz/corpus/reference/$(printf '%s' "$ref" | sha1sum | cut -c1-16)"; done

# kustomize: a resource and a patch of the test trees, joined as the target's documents.
for dir in testdata/kustomize/*/*; do
  [ -d "$dir" ] || continue
  files=$(find "$dir" -maxdepth 2 -name '*.yaml' ! -name 'kustomization.yaml' -size -16k | sort | head -3)
  [ -n "$files" ] || continue
  name=$(printf '%s' "$dir" | sha1sum | cut -c1-16)
  for f in $files; do cat "$f"; printf '\n---\n'; done > "fuzz/corpus/kustomize/$name"
done

# rules: the rule files of the tests.
mkdir -p fuzz/corpus/rules
find testdata/rules -name '.imgsift.yaml' | while read -r f; do
  cp "$f" "fuzz/corpus/rules/$(sha1sum < "$f" | cut -c1-16)"
done

# template: every template of the corpus charts (and of testdata), each a seed on its own.
mkdir -p fuzz/corpus/template
corpus=${IMGSIFT_CORPUS:-../shared/corpus}
find "$corpus/charts" testdata -path '*/templates/*' -type f -size -32k 2>/dev/null | while read -r f; do
  cp "$f" "fuzz/corpus/template/$(sha1sum < "$f" | cut -c1-16)"
done

# tree: kustomize roots and charts of testdata, each folder's small files as `=== path` sections.
mkdir -p fuzz/corpus/tree
for dir in testdata/kustomize/*/ testdata/kustomize/*/*/ testdata/helm/*/ testdata/charts/*/; do
  [ -d "$dir" ] || continue
  name=$(printf '%s' "$dir" | sha1sum | cut -c1-16)
  (cd "$dir" && find . -type f -size -8k | sort | head -24 | while read -r f; do
    printf '=== %s\n' "${f#./}"; cat "$f"; printf '\n'
  done) > "fuzz/corpus/tree/$name"
  [ -s "fuzz/corpus/tree/$name" ] || rm -f "fuzz/corpus/tree/$name"
done

for target in $TARGETS; do
  echo "== fuzzing $target for ${SECONDS_PER_TARGET}s"
  (cd fuzz && cargo fuzz run -s none --debug-assertions "$target" "corpus/$target" -- \
      -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1) 2>&1 | grep -E "^(#|stat::|==|INFO: Running|Done|SUMMARY|artifact)" | tail -15
done
