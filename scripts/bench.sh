#!/usr/bin/env bash
# Benchmarks imgsift against the regex baseline operators use today, on the same bytes, in the
# same run:
#   perl -nle 'print $1 if /image: ["\x27]?([^ {"\x27]+)["\x27]?/'   (deployKF's air-gap guide)
#   grep -o 'image: [^ ]*'
#   cat > /dev/null                                                  (the physical floor)
# on a stream of at least 1 GB built by repeating the documents of ../shared/corpus, and on a
# directory of many files. Prints medians, the ratio imgsift/perl, MB/s, peak RSS, and the
# time at 0.25 / 0.5 / 1 GB to show it is linear; then kustomize roots against kubectl, and
# the corpus Helm charts against the Helm SDK (scripts/bench-helm.sh).
#
# Usage: scripts/bench.sh [ROUNDS]   (default 5; BENCH_GB=1 sets the stream size in GB)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-5}
GB=${BENCH_GB:-1}
WORK=${BENCH_DIR:-target/bench}
BIN=target/release/imgsift
PERL_RE='print $1 if /image: ["\x27]?([^ {"\x27]+)["\x27]?/'

command -v /usr/bin/time >/dev/null || { echo "bench needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --locked -q
mkdir -p "$WORK"

# One "unit" of corpus: every YAML document of ../shared/corpus, as a stream (`---` between
# files, so the values and Chart.yaml files stay documents of their own).
unit="$WORK/unit.yaml"
if [ ! -s "$unit" ]; then
  find ../shared/corpus -name '*.yaml' -type f | LC_ALL=C sort | while read -r f; do
    cat "$f"; printf '\n---\n'
  done > "$unit"
fi
unit_bytes=$(stat -c %s "$unit")

# Streams of the requested sizes, made of whole units.
make_stream() { # $1 = size in MB
  local out="$WORK/stream-$1MB.yaml" target=$(( $1 * 1000 * 1000 ))
  if [ ! -s "$out" ] || [ "$(stat -c %s "$out")" -lt "$target" ]; then
    local n=$(( (target + unit_bytes - 1) / unit_bytes ))
    : > "$out"
    for _ in $(seq "$n"); do cat "$unit" >> "$out"; done
  fi
  echo "$out"
}
full_mb=$(( GB * 1000 ))
stream=$(make_stream "$full_mb")
quarter=$(make_stream $(( full_mb / 4 )))
half=$(make_stream $(( full_mb / 2 )))

# A directory of many small files: each document of the unit as a file, in 100 folders.
tree="$WORK/tree"
if [ ! -d "$tree" ]; then
  mkdir -p "$tree"
  awk -v dir="$tree" '
    BEGIN { n = 0; file = sprintf("%s/d%02d/f%06d.yaml", dir, 0, 0); system("mkdir -p " dir "/d00") }
    /^---/ { n++; d = n % 100; sub_dir = sprintf("%s/d%02d", dir, d);
             if (!(d in made)) { system("mkdir -p " sub_dir); made[d] = 1 }
             close(file); file = sprintf("%s/f%06d.yaml", sub_dir, n); next }
    { print > file }' "$unit"
  # Ten copies of the whole set.
  for i in 1 2 3 4 5 6 7 8 9; do cp -r "$tree/d00" "$tree/copy$i-d00"; for d in "$tree"/d??; do cp -r "$d" "$tree/copy$i-$(basename "$d")"; done; done
fi
tree_files=$(find "$tree" -type f | wc -l)
tree_mb=$(du -sm "$tree" | cut -f1)

# Median wall time (seconds) of a command over ROUNDS runs, output discarded.
median() {
  local times=()
  for _ in $(seq "$ROUNDS"); do
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || true
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

rss_mb() { # peak RSS in MB of one run
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {printf "%.1f", $2/1024}'
}

bytes=$(stat -c %s "$stream")
mb=$(echo "$bytes / 1000000" | bc -l)
cores=$(nproc)
echo "imgsift benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $cores cores, $ROUNDS rounds, medians"
printf 'stream: %s (%.0f MB), directory: %s files (%s MB)\n\n' "$stream" "$mb" "$tree_files" "$tree_mb"

# Rounds are interleaved (perl, imgsift, perl, imgsift, ...) so that a change of load on a
# shared machine hits both alike; the ratio is taken per round, then its median.
ratios=(); perls=(); scans=()
for _ in $(seq "$ROUNDS"); do
  p=$(ROUNDS=1 median perl -nle "$PERL_RE" "$stream")
  i=$(ROUNDS=1 median "$BIN" scan "$stream")
  perls+=("$p"); scans+=("$i"); ratios+=("$(echo "$i / $p" | bc -l)")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t_perl=$(med "${perls[@]}")
t_imgsift=$(med "${scans[@]}")
ratio=$(med "${ratios[@]}")
t_cat=$(median sh -c "cat '$stream' > /dev/null")
t_grep=$(median sh -c "grep -o 'image: [^ ]*' '$stream' | wc -l")
t_json=$(median "$BIN" scan -o json "$stream")
t_one=$(median "$BIN" scan -j 1 "$stream")

row() { printf '%-34s %8.2f s %9.0f MB/s\n' "$1" "$2" "$(echo "$mb / $2" | bc -l)"; }
echo "== 1 stream of $(printf '%.0f' "$mb") MB"
row "cat > /dev/null (floor)" "$t_cat"
row "grep -o 'image: [^ ]*'" "$t_grep"
row "perl one-liner (baseline)" "$t_perl"
row "imgsift scan" "$t_imgsift"
row "imgsift scan -o json" "$t_json"
row "imgsift scan -j 1" "$t_one"
printf '\nratio imgsift/perl: %.2f, median of per-round ratios (target <= 0.50); each round: %s\n' \
  "$ratio" "$(printf '%.2f ' "${ratios[@]}")"
printf 'peak RSS imgsift scan: %s MB; -o json: %s MB (target < 64)\n\n' \
  "$(rss_mb "$BIN" scan "$stream")" "$(rss_mb "$BIN" scan -o json "$stream")"

echo "== linearity (imgsift scan)"
for f in "$quarter" "$half" "$stream"; do
  s=$(stat -c %s "$f"); t=$(median "$BIN" scan "$f")
  printf '%6.0f MB  %6.2f s  %6.2f s/GB\n' "$(echo "$s/1000000" | bc -l)" "$t" "$(echo "$t / ($s/1000000000)" | bc -l)"
done

echo
echo "== directory of $tree_files files"
d_perl=$(median sh -c "find '$tree' -name '*.yaml' -exec cat {} + | perl -nle '$PERL_RE'")
d_imgsift=$(median "$BIN" scan "$tree")
printf '%-34s %8.2f s\n' "find | cat | perl" "$d_perl"
printf '%-34s %8.2f s\n' "imgsift scan DIR" "$d_imgsift"
printf 'ratio imgsift/perl: %.2f\n' "$(echo "$d_imgsift / $d_perl" | bc -l)"

# kustomize roots: the native build against real kustomize (when kubectl is installed), on
# every kustomization of the corpus. kubectl builds one root per call; imgsift walks the tree.
if command -v kubectl >/dev/null 2>&1; then
  echo
  src=../shared/corpus/kubeflow/kustomize-src
  roots=$(find "$src" -name kustomization.yaml -printf '%h\n' | LC_ALL=C sort)
  n_roots=$(echo "$roots" | wc -l)
  echo "== kustomize: $n_roots roots of $src"
  k_kubectl=$(median sh -c "for d in $(echo $roots); do kubectl kustomize \"\$d\" | '$BIN' scan -; done")
  k_imgsift=$(median "$BIN" scan "$src")
  printf '%-34s %8.3f s\n' "kubectl kustomize | imgsift scan -" "$k_kubectl"
  printf '%-34s %8.3f s\n' "imgsift scan (native builds)" "$k_imgsift"
  printf 'ratio native/kubectl: %.3f\n' "$(echo "$k_imgsift / $k_kubectl" | bc -l)"
fi

# Helm charts: imgsift's native render against the Helm SDK in process, on the 21 corpus
# charts (scripts/bench-helm.sh, which installs the SDK as scripts/test.sh does).
echo
echo "== Helm charts"
scripts/bench-helm.sh "$ROUNDS"
