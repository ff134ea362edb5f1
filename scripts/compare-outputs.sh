#!/usr/bin/env bash
# Runs every command of imgsift over every corpus file and folder and over testdata/, writing
# each output (stdout, stderr, exit code) to OUTDIR. Two binaries' OUTDIRs compared with
# `diff -r` show whether a change altered any output:
#
#   scripts/compare-outputs.sh OLD_BINARY /tmp/before
#   scripts/compare-outputs.sh target/release/imgsift /tmp/after
#   diff -r /tmp/before /tmp/after && echo identical
#
# Run from anywhere; paths are given to imgsift relative to the repository root, as users do.
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
cd "$(dirname "$0")/.."
corpus=${IMGSIFT_CORPUS:-../shared/corpus}
rm -rf "$out"
mkdir -p "$out"

n=0
run() { # NAME ARGS...: one command's stdout, stderr and exit code under OUTDIR/NAME
  local name=$1
  shift
  local dir="$out/$name"
  mkdir -p "$(dirname "$dir")"
  local rc=0
  (cd "$PWD" && "$bin" "$@" >"$dir.out" 2>"$dir.err" </dev/null) || rc=$?
  echo "$rc" >"$dir.rc"
  n=$((n + 1))
}

key() { printf '%s' "$1" | tr '/' '_' | tr -c 'A-Za-z0-9._-' '_'; }

every_command() { # INPUT
  local k
  k=$(key "$1")
  run "$k/scan" scan "$1"
  run "$k/json" scan -o json "$1"
  run "$k/table" scan -o table "$1"
  run "$k/strict" scan --strict -o json "$1"
  run "$k/overlay" overlay --registry r.example.com:5000/mirror "$1"
  run "$k/overlay-keep" overlay --registry r.example.com/m --keep-registry-path "$1"
  run "$k/overlay-kustomize" overlay -o kustomize --registry r.example.com:5000/mirror "$1"
  run "$k/mirror-regsync" mirror -o regsync --registry r.example.com:5000/mirror "$1"
  run "$k/mirror-skopeo" mirror -o skopeo --registry r.example.com/mirror "$1"
  run "$k/mirror-script" mirror -o script --tool crane --registry r.example.com "$1"
  run "$k/hosts" hosts --mirror https://r.example.com:5000/m "$1"
  run "$k/hosts-k3s" hosts -o k3s --mirror https://r.example.com "$1"
  run "$k/check" check --registry r.example.com/mirror "$1"
}

# Every file on its own: the JSON scan (all classes, sources, diagnostics) and the overlay.
while IFS= read -r -d '' file; do
  k=$(key "$file")
  run "files/$k/json" scan -o json "$file"
  run "files/$k/values" scan -o json --values "$file"
  run "files/$k/overlay" overlay --registry r.example.com:5000/mirror "$file"
done < <(find "$corpus" testdata -type f ! -name '*.md' ! -name '*.tsv' -print0 | sort -z)

# Every folder down to three levels, and the whole corpus, with every command.
while IFS= read -r -d '' dir; do
  every_command "$dir"
done < <(find "$corpus" testdata -mindepth 0 -maxdepth 3 -type d -print0 | sort -z)

# Standard input and values given with --values.
k=stdin
"$bin" scan -o json - <"$corpus/rendered/metallb-native.yaml" >"$out/$k.out" 2>"$out/$k.err" || true
while IFS= read -r -d '' file; do
  run "with-values/$(key "$file")" scan -o json --values "$file" "$corpus/rendered/ingress-nginx-cloud-deploy.yaml"
done < <(find "$corpus/charts-values" -type f -print0 | sort -z)
echo "$n runs written to $out" >&2
