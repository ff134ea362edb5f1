#!/usr/bin/env bash
# shellcheck disable=SC2016  # backticks in single quotes are Markdown, printed as they are
# Benchmarks imgsift against the regex baseline operators use today, on the same bytes, in the
# same run, and reports each figure the speed and memory targets are judged on, with PASS/FAIL.
#
# Baselines:
#   perl -nle 'print $1 if /image: ["\x27]?([^ {"\x27]+)["\x27]?/'   (deployKF's air-gap guide)
#   cat FILE > /dev/null                                             (the physical floor)
#
# Streams (built once into the work dir and reused while the corpus is unchanged):
#   mixed      every .yaml file of ../shared/corpus as one stream (`---` between files), the
#              "unit", repeated to BENCH_GB (1 GB); also 1/4 and 1/2 of it for linearity and memory
#   corpus-parse  the unit without CustomResourceDefinition and Secret documents (which imgsift
#              recognises from their top-level kind and never parses), repeated to BENCH_PARSE_MB
#   kubeflow-parse  ../shared/corpus/kubeflow/rendered.yaml (a Kubeflow platform render) without
#              CRDs and Secrets, repeated to BENCH_PARSE_MB
#   distinct   generated Deployments whose images are all different, as large as the 1/4 stream
#
# Sections (BENCH_ONLY picks some):
#   streams    per stream, ROUNDS interleaved rounds of cat, perl, `imgsift scan -j 2` and
#              `imgsift scan -j 1` (in that order within each round, so a change of machine load
#              hits all four alike); median time and MB/s of each; median of the per-round ratios
#              imgsift/perl, imgsift/cat and (-j 1 time)/(-j 2 time), against the targets:
#                imgsift/perl <= 0.5 on mixed, <= 1.0 on corpus-parse and kubeflow-parse
#                imgsift/cat  <= 4   on mixed
#                -j1/-j2      >= 1.7 on every stream
#   memory     peak RSS (/usr/bin/time -v) of `scan` and `scan -o json` on the full mixed stream
#              (target <= 64 MB each); of `scan -o json` on the 1/4, 1/2 and full mixed streams
#              (same distinct images, 4x the occurrences: should stay flat) and on the distinct
#              stream (grows with distinct images)
#   linearity  `imgsift scan` time at 1/4, 1/2 and all of the mixed stream, in s/GB
#   dir        a directory of many files (each document of the unit a file, 100 folders, ten
#              copies): find | cat | perl against `imgsift scan DIR`
#   kustomize  the kustomize roots of the Kubeflow sources: kubectl kustomize | imgsift scan -,
#              one root at a time, against imgsift's native builds (needs kubectl)
#   helm       the corpus Helm charts against the Helm SDK (scripts/bench-helm.sh)
# Machine load (uptime, nproc, and the CPU other processes used meanwhile) is printed before and
# after: figures taken with a load average above 0.5 are from a busy machine.
#
# Usage: scripts/bench.sh [ROUNDS]
# Knobs (environment):
#   ROUNDS=5            rounds (the first argument wins)
#   BENCH_GB=1          size of the mixed stream in GB (fractions allowed: 0.05)
#   BENCH_PARSE_MB=300  size of each parse-heavy stream in MB
#   BENCH_ONLY=...      sections to run, comma or space separated, from
#                       streams,memory,linearity,dir,kustomize,helm (default: all)
#   BENCH_BIN=PATH      the imgsift binary to measure; skips `cargo build` (default: build with
#                       `cargo build --release --locked -q` and use target/release/imgsift)
#   BENCH_DIR=DIR       work dir for the streams (default target/bench)
# Streams are whole copies of their unit, so below 4 units (the mixed unit is ~52 MB) the 1/4,
# 1/2 and full mixed streams are not in the ratio 1:2:4. A trial at small size, about a minute
# on 2 cores, kustomize and Helm left out:
#   BENCH_BIN=target/release/imgsift BENCH_GB=0.2 BENCH_PARSE_MB=20 ROUNDS=2 \
#     BENCH_ONLY=streams,memory,linearity,dir scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-${ROUNDS:-5}}
GB=${BENCH_GB:-1}
PARSE_MB=${BENCH_PARSE_MB:-300}
ONLY=${BENCH_ONLY:-streams,memory,linearity,dir,kustomize,helm}
WORK=${BENCH_DIR:-target/bench}
CORPUS=../shared/corpus
PERL_RE='print $1 if /image: ["\x27]?([^ {"\x27]+)["\x27]?/'

command -v /usr/bin/time >/dev/null || { echo "bench needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v bc >/dev/null || { echo "bench needs bc (apt-get install bc)" >&2; exit 1; }
if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$BENCH_BIN
else
  cargo build --release --locked -q
  BIN=target/release/imgsift
fi
[ -x "$BIN" ] || { echo "no imgsift binary at $BIN" >&2; exit 1; }
mkdir -p "$WORK"

want() { [[ ",${ONLY// /,}," == *",$1,"* ]]; }
for s in ${ONLY//,/ }; do
  case $s in streams|memory|linearity|dir|kustomize|helm) ;; *) echo "unknown section in BENCH_ONLY: $s" >&2; exit 1 ;; esac
done

# ---- machine load --------------------------------------------------------------------------
cores=$(nproc)
load1() { cut -d' ' -f1 /proc/loadavg; }
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
own_seconds() { # sets OWN: CPU seconds of this shell and every child it waited for (called
  # as it is, not in $(...), whose subshell would count only itself)
  times > "$WORK/times.txt"
  OWN=$(awk '{ for (i = 1; i <= NF; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } } END { printf "%.2f", t }' "$WORK/times.txt")
}
load_line() { # $1 = label, $2 = uptime's line, $3 = 1-min load average
  local line=$2
  line=${line#"${line%%[! ]*}"}   # without its leading blanks
  printf '%s: `%s`, %s cores' "$1" "$line" "$cores"
  if [ "$(echo "$3 > 0.5" | bc -l)" = 1 ]; then printf ' (1-min load %s > 0.5: busy machine)' "$3"; fi
  printf '\n'
}
# Taken before the streams are built, which loads the machine too.
uptime_before=$(uptime); load_before=$(load1)
hz=$(getconf CLK_TCK)
t0=$EPOCHREALTIME
busy0=$(busy_jiffies)
own_seconds; own0=$OWN

# ---- inputs --------------------------------------------------------------------------------
# Replace $1 by $1.new only when the content differs, so that an unchanged input keeps its
# modification time and whatever was built from it is reused.
settle() { if [ -s "$1" ] && cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv "$1.new" "$1"; fi; }

# One "unit" of corpus: every YAML document of ../shared/corpus, as a stream (`---` between
# files, so the values and Chart.yaml files stay documents of their own).
unit="$WORK/unit.yaml"
find "$CORPUS" -name '*.yaml' -type f | LC_ALL=C sort | while read -r f; do
  cat "$f"; printf '\n---\n'
done > "$unit.new"
settle "$unit"

# A stream without CustomResourceDefinition and Secret documents: documents are cut at lines
# `---` (alone or followed by blanks or a comment); one whose top-level kind is one of those is
# dropped, the first document (no `---` before it) included. Ends with `---`, so that copies
# appended one after the other stay apart.
drop_crd_secret() { # $1 = input, stdout = output
  awk '
    function flush(   i) { if (!drop) for (i = 0; i < n; i++) print line[i]; n = 0; drop = 0 }
    /^---([ \t\r]|$)/ { flush() }
    /^kind:[ \t]*["\047]?(CustomResourceDefinition|Secret)["\047]?[ \t\r]*$/ { drop = 1 }
    { line[n++] = $0 }
    END { flush(); print "---" }' "$1"
}
corpus_unit="$WORK/unit-no-crd-secret.yaml"
if [ ! -s "$corpus_unit" ] || [ "$unit" -nt "$corpus_unit" ]; then
  drop_crd_secret "$unit" > "$corpus_unit"
fi
kubeflow_unit="$WORK/kubeflow-no-crd-secret.yaml"
if [ ! -s "$kubeflow_unit" ] || [ "$CORPUS/kubeflow/rendered.yaml" -nt "$kubeflow_unit" ]; then
  drop_crd_secret "$CORPUS/kubeflow/rendered.yaml" > "$kubeflow_unit"
fi

mb_of() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1e6 }'; }
# A stream of whole copies of a unit, at least $2 MB: prints its path.
make_stream() { # $1 = unit, $2 = size in MB (may be a fraction), $3 = name
  local target unit_bytes n out
  target=$(awk -v m="$2" 'BEGIN { printf "%.0f", m * 1e6 }')
  out="$WORK/$3-$(awk -v m="$2" 'BEGIN { printf "%g", m }')MB.yaml"
  unit_bytes=$(stat -c %s "$1")
  if [ ! -s "$out" ] || [ "$(stat -c %s "$out")" -lt "$target" ] || [ "$1" -nt "$out" ]; then
    n=$(( (target + unit_bytes - 1) / unit_bytes )); [ "$n" -ge 1 ] || n=1
    for _ in $(seq "$n"); do cat "$1"; done > "$out"
  fi
  echo "$out"
}
if want streams || want memory || want linearity; then
  full_mb=$(awk -v g="$GB" 'BEGIN { printf "%g", g * 1000 }')
  mixed=$(make_stream "$unit" "$full_mb" mixed)
  quarter=$(make_stream "$unit" "$(awk -v m="$full_mb" 'BEGIN { printf "%g", m / 4 }')" mixed)
  half=$(make_stream "$unit" "$(awk -v m="$full_mb" 'BEGIN { printf "%g", m / 2 }')" mixed)
  corpus_parse=$(make_stream "$corpus_unit" "$PARSE_MB" corpus-parse)
  kubeflow_parse=$(make_stream "$kubeflow_unit" "$PARSE_MB" kubeflow-parse)

  # As many bytes as the 1/4 mixed stream, of Deployments whose images are all different (a tag
  # each, 1,000 repositories): what the JSON inventory has to hold grows with this stream.
  distinct="$WORK/distinct-$(stat -c %s "$quarter")B.yaml"
  if want memory && { [ ! -s "$distinct" ] || [ "$0" -nt "$distinct" ]; }; then
    awk -v target="$(stat -c %s "$quarter")" 'BEGIN {
      for (i = 0; bytes < target; i++) {
        doc = sprintf("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-%d\n  namespace: bench\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: app-%d\n  template:\n    metadata:\n      labels:\n        app: app-%d\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/team-%d/app:1.%d.%d\n        ports:\n        - containerPort: 8080\n", i, i, i, i % 1000, int(i / 1000), i % 1000)
        printf "%s", doc; bytes += length(doc)
      }
    }' > "$distinct"
  fi
fi

# A directory of many small files: each document of the unit as a file, in 100 folders.
tree="$WORK/tree"
if want dir && { [ ! -d "$tree" ] || [ "$unit" -nt "$tree/.built" ]; }; then
  rm -rf "$tree"
  mkdir -p "$tree"
  awk -v dir="$tree" '
    BEGIN { n = 0; file = sprintf("%s/d%02d/f%06d.yaml", dir, 0, 0); system("mkdir -p " dir "/d00") }
    /^---/ { n++; d = n % 100; sub_dir = sprintf("%s/d%02d", dir, d);
             if (!(d in made)) { system("mkdir -p " sub_dir); made[d] = 1 }
             close(file); file = sprintf("%s/f%06d.yaml", sub_dir, n); next }
    { print > file }' "$unit"
  # Ten copies of the whole set.
  for i in 1 2 3 4 5 6 7 8 9; do for d in "$tree"/d??; do cp -r "$d" "$tree/copy$i-$(basename "$d")"; done; done
  touch "$tree/.built"
fi

# ---- measuring -----------------------------------------------------------------------------
# Wall seconds of one run, output discarded (bash's microsecond clock, no fork).
secs() {
  local start=$EPOCHREALTIME
  "$@" > /dev/null 2>&1 || true
  echo "$start $EPOCHREALTIME" | awk '{ printf "%.6f", $2 - $1 }'
}
med() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
median() { # median wall seconds of ROUNDS runs
  local t=()
  for _ in $(seq "$ROUNDS"); do t+=("$(secs "$@")"); done
  med "${t[@]}"
}
div() { echo "$1 / $2" | bc -l; }
f2() { printf '%.2f' "$1"; }
rss_mb() { # peak RSS in MB of one run, output discarded
  { /usr/bin/time -v "$@" 2>&1 >/dev/null || true; } | awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }'
}
# PASS or FAIL of "$1 OP $2"
verdict() { if [ "$(echo "$1 $2 $3" | bc -l)" = 1 ]; then echo PASS; else echo FAIL; fi; }
# Every checked figure, for the summary at the end: "| what | value | target | verdict |".
# record WHAT VALUE OP TARGET [UNIT] appends one and leaves its verdict in $V.
checks=()
record() {
  V=$(verdict "$2" "$3" "$4")
  checks+=("| $1 | $(f2 "$2")${5:-} | $3 $4${5:-} | $V |")
}
# One run before the rounds, output kept: says how many images imgsift finds and with which exit
# code (2 when some document could not be parsed: the corpus has templates and invalid YAML,
# which imgsift reports and skips). A crash, or no image at all, is said loudly: times would
# mean nothing.
sane() { # $1 = file
  local rc=0 n errors
  "$BIN" scan "$1" > "$WORK/out.txt" 2> "$WORK/stderr.txt" || rc=$?
  n=$(wc -l < "$WORK/out.txt")
  errors=$(grep -c ': error\[' "$WORK/stderr.txt" || true)
  if [ "$n" = 0 ] || { [ "$rc" != 0 ] && [ "$rc" != 2 ]; }; then
    echo "> **imgsift scan failed on this stream** (exit $rc, $n images): $(head -c 300 "$WORK/stderr.txt")"
  else
    echo "imgsift scan finds $n distinct images (exit $rc; $errors error diagnostics for documents it could not parse)."
  fi
  echo
}

echo "# imgsift benchmark"
echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $BIN, $ROUNDS rounds, medians; rounds interleaved (cat, perl,"
echo "imgsift -j 2, imgsift -j 1); ratios are medians of the per-round ratios."
echo "Figures taken with a load average above 0.5 are from a busy machine (2 shared cores)."
echo
load_line "load before" "$uptime_before" "$load_before"
[ "$cores" = 2 ] || echo "note: the targets are set for 2 cores; this machine has $cores"
echo

# ---- streams -------------------------------------------------------------------------------
if want streams; then
  echo "## Streams"
  echo
  echo "- mixed: every document of $CORPUS repeated ($(mb_of "$unit") MB unit)"
  echo "- corpus-parse: the same without CustomResourceDefinitions and Secrets ($(mb_of "$corpus_unit") MB unit)"
  echo "- kubeflow-parse: $CORPUS/kubeflow/rendered.yaml without CustomResourceDefinitions and Secrets ($(mb_of "$kubeflow_unit") MB unit)"
  echo
  bench_stream() { # $1 = label, $2 = file, $3 = target of imgsift/perl, $4 = target of imgsift/cat or -
    local label=$1 f=$2 mb cats=() perls=() j2s=() j1s=() rp=() rc=() rj=() c p a b load
    load=$(load1)
    mb=$(echo "$(stat -c %s "$f") / 1000000" | bc -l)
    cat "$f" > /dev/null   # into the page cache
    for _ in $(seq "$ROUNDS"); do
      c=$(secs cat "$f")
      p=$(secs perl -nle "$PERL_RE" "$f")
      a=$(secs "$BIN" scan -j 2 "$f")
      b=$(secs "$BIN" scan -j 1 "$f")
      cats+=("$c"); perls+=("$p"); j2s+=("$a"); j1s+=("$b")
      rp+=("$(div "$a" "$p")"); rc+=("$(div "$a" "$c")"); rj+=("$(div "$b" "$a")")
    done
    echo "### $label, $(printf '%.0f' "$mb") MB ($f; 1-min load at its start $load)"
    echo
    sane "$f"
    echo "| command | median | MB/s |"
    echo "|---|---:|---:|"
    row() { printf '| %s | %.3f s | %.0f |\n' "$1" "$2" "$(div "$mb" "$2")"; }
    row '`cat > /dev/null` (floor)' "$(med "${cats[@]}")"
    row 'perl one-liner (baseline)' "$(med "${perls[@]}")"
    row '`imgsift scan -j 2`' "$(med "${j2s[@]}")"
    row '`imgsift scan -j 1`' "$(med "${j1s[@]}")"
    echo
    local r
    r=$(med "${rp[@]}"); record "$label imgsift/perl" "$r" '<=' "$3"
    printf -- '- imgsift/perl: **%.2f** (target <= %s) %s; rounds: %s\n' "$r" "$3" "$V" "$(printf '%.2f ' "${rp[@]}")"
    r=$(med "${rc[@]}")
    if [ "$4" = - ]; then
      printf -- '- imgsift/cat: **%.2f** (no target); rounds: %s\n' "$r" "$(printf '%.2f ' "${rc[@]}")"
    else
      record "$label imgsift/cat" "$r" '<=' "$4"
      printf -- '- imgsift/cat: **%.2f** (target <= %s) %s; rounds: %s\n' "$r" "$4" "$V" "$(printf '%.2f ' "${rc[@]}")"
    fi
    r=$(med "${rj[@]}"); record "$label -j1/-j2" "$r" '>=' 1.7
    printf -- '- -j1/-j2 time: **%.2f** (target >= 1.7) %s; rounds: %s\n' "$r" "$V" "$(printf '%.2f ' "${rj[@]}")"
    echo
  }
  for spec in "mixed|$mixed|0.5|4" "corpus-parse|$corpus_parse|1.0|-" "kubeflow-parse|$kubeflow_parse|1.0|-"; do
    IFS='|' read -r label f tp tc <<< "$spec"
    bench_stream "$label" "$f" "$tp" "$tc"
  done
fi

# ---- memory --------------------------------------------------------------------------------
if want memory; then
  echo "## Memory (peak RSS, /usr/bin/time -v)"
  echo
  distinct_count() { { "$BIN" scan "$1" 2>/dev/null || true; } | wc -l; }
  mixed_images=$(distinct_count "$unit")
  distinct_images=$(distinct_count "$distinct")
  rss_scan=$(rss_mb "$BIN" scan "$mixed")
  rss_json_q=$(rss_mb "$BIN" scan -o json "$quarter")
  rss_json_h=$(rss_mb "$BIN" scan -o json "$half")
  rss_json=$(rss_mb "$BIN" scan -o json "$mixed")
  rss_json_d=$(rss_mb "$BIN" scan -o json "$distinct")
  record "peak RSS \`scan\`, mixed $(mb_of "$mixed") MB" "$rss_scan" '<=' 64 ' MB'; v1=$V
  record "peak RSS \`scan -o json\`, mixed $(mb_of "$mixed") MB" "$rss_json" '<=' 64 ' MB'; v2=$V
  printf -- '- `scan` on the %s MB mixed stream: **%s MB** (target <= 64) %s\n' "$(mb_of "$mixed")" "$rss_scan" "$v1"
  printf -- '- `scan -o json` on the %s MB mixed stream: **%s MB** (target <= 64) %s\n' "$(mb_of "$mixed")" "$rss_json" "$v2"
  echo
  echo "JSON memory grows with distinct images, not with occurrences:"
  echo
  echo '| `scan -o json` input | MB | distinct images | peak RSS |'
  echo '|---|---:|---:|---:|'
  printf '| mixed 1/4 | %s | %s | %s MB |\n' "$(mb_of "$quarter")" "$mixed_images" "$rss_json_q"
  printf '| mixed 1/2 | %s | %s | %s MB |\n' "$(mb_of "$half")" "$mixed_images" "$rss_json_h"
  printf '| mixed | %s | %s | %s MB |\n' "$(mb_of "$mixed")" "$mixed_images" "$rss_json"
  printf '| distinct (generated Deployments) | %s | %s | %s MB |\n' "$(mb_of "$distinct")" "$distinct_images" "$rss_json_d"
  echo
  if [ "$(stat -c %s "$quarter")" = "$(stat -c %s "$mixed")" ]; then
    echo "(at this size the 1/4, 1/2 and full mixed streams are all one copy of the unit: nothing to compare)"
    echo
  fi
  flat=$(div "$rss_json" "$rss_json_q")
  record "\`scan -o json\` RSS, full/quarter mixed (flat)" "$flat" '<=' 1.25; v3=$V
  printf -- '- 4x the occurrences, same images: RSS x%.2f (flat means within 25%%: %s)\n' "$flat" "$v3"
  printf -- '- %sx the distinct images at the size of the 1/4 stream: RSS x%.2f\n' \
    "$(awk -v a="$distinct_images" -v b="$mixed_images" 'BEGIN { printf "%.0f", b ? a / b : 0 }')" "$(div "$rss_json_d" "$rss_json_q")"
  echo
fi

# ---- linearity -----------------------------------------------------------------------------
if want linearity; then
  echo "## Linearity (imgsift scan -j 2, mixed stream)"
  echo
  echo "| MB | median | s/GB |"
  echo "|---:|---:|---:|"
  for f in "$quarter" "$half" "$mixed"; do
    s=$(stat -c %s "$f"); tm=$(median "$BIN" scan -j 2 "$f")
    printf '| %.0f | %.3f s | %.2f |\n' "$(div "$s" 1000000)" "$tm" "$(div "$tm" "($s / 1000000000)")"
  done
  echo
fi

# ---- directory -----------------------------------------------------------------------------
if want dir; then
  tree_files=$(find "$tree" -type f -name '*.yaml' | wc -l)
  tree_mb=$(du -sm "$tree" | cut -f1)
  echo "## Directory of $tree_files files ($tree_mb MB)"
  echo
  d_perl=$(median sh -c "find '$tree' -name '*.yaml' -exec cat {} + | perl -nle '$PERL_RE'")
  d_imgsift=$(median "$BIN" scan "$tree")
  echo "| command | median |"
  echo "|---|---:|"
  printf '| find \\| cat \\| perl | %.3f s |\n' "$d_perl"
  printf '| `imgsift scan DIR` | %.3f s |\n' "$d_imgsift"
  echo
  printf -- '- imgsift/perl: **%.2f**\n\n' "$(div "$d_imgsift" "$d_perl")"
fi

# ---- kustomize -----------------------------------------------------------------------------
# The native build against real kustomize, on every kustomization of the Kubeflow sources.
# kubectl builds one root per call; imgsift walks the tree.
if want kustomize; then
  if command -v kubectl >/dev/null 2>&1; then
    src=$CORPUS/kubeflow/kustomize-src
    mapfile -t roots < <(find "$src" -name kustomization.yaml -printf '%h\n' | LC_ALL=C sort)
    echo "## kustomize: ${#roots[@]} roots of $src"
    echo
    kustomize_all() { local d; for d in "${roots[@]}"; do kubectl kustomize "$d" | "$BIN" scan -; done; }
    k_kubectl=$(median kustomize_all)
    k_imgsift=$(median "$BIN" scan "$src")
    echo "| command | median |"
    echo "|---|---:|"
    printf '| `kubectl kustomize \\| imgsift scan -`, per root | %.3f s |\n' "$k_kubectl"
    printf '| `imgsift scan` (native builds) | %.3f s |\n' "$k_imgsift"
    echo
    printf -- '- native/kubectl: **%.3f**\n\n' "$(div "$k_imgsift" "$k_kubectl")"
  else
    echo "## kustomize: skipped (no kubectl)"
    echo
  fi
fi

# ---- Helm ----------------------------------------------------------------------------------
# imgsift's native render against the Helm SDK in process, on the corpus charts
# (scripts/bench-helm.sh, which installs the SDK as scripts/test.sh does).
if want helm; then
  echo "## Helm charts"
  echo
  BENCH_BIN=$BIN scripts/bench-helm.sh "$ROUNDS"
  echo
fi

# ---- summary -------------------------------------------------------------------------------
if [ "${#checks[@]}" -gt 0 ]; then
  echo "## Targets"
  echo
  echo "| figure | value | target | verdict |"
  echo "|---|---:|---:|---|"
  printf '%s\n' "${checks[@]}"
  echo
fi
busy1=$(busy_jiffies)
own_seconds; own1=$OWN
load_line "load after" "$(uptime)" "$(load1)"
awk -v b0="$busy0" -v b1="$busy1" -v hz="$hz" -v o0="$own0" -v o1="$own1" -v t0="$t0" -v t1="$EPOCHREALTIME" -v n="$cores" 'BEGIN {
  wall = t1 - t0; busy = (b1 - b0) / hz; own = o1 - o0; other = busy - own; if (other < 0) other = 0
  printf "(the load after includes this benchmark) over the %.0f s run: %.2f of %d cores busy, %.2f of them this benchmark, %.2f other processes\n", wall, busy / wall, n, own / wall, other / wall
}'
