#!/usr/bin/env bash
# Benchmarks imgsift's native Helm renderer against real Helm (Helm v4's Go SDK, through
# helm-python-sdk) on the 21 corpus charts, in the same run, interleaved by round:
#   Helm:    the SDK's in-process time for what `helm template` does (load, values, install
#            dry-run with render and sort), Python start-up excluded (oracle.py --batch);
#   imgsift: the wall time of a whole `imgsift render NAME CHART -n NS` process.
# Prints per-chart medians, the ratio imgsift/Helm over all charts (target: at most 0.2) and
# imgsift's peak RSS. Say when the machine was busy: these machines have 2 shared cores.
#
# Usage: scripts/bench-helm.sh [ROUNDS]   (default 5; BENCH_BIN=PATH measures that binary and
# skips `cargo build`)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-5}
BIN=${BENCH_BIN:-target/release/imgsift}
CORPUS=${IMGSIFT_CORPUS:-../shared/corpus}
WORK=${BENCH_DIR:-target/bench-helm}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -n "${BENCH_BIN:-}" ] || cargo build --release --locked -q
py="$(scripts/install-helm-sdk.sh)"
mkdir -p "$WORK"

charts=()
while IFS=$'\t' read -r name _ _ _ _ namespace _; do
  [ "$name" = chart ] && continue
  charts+=("$name:$namespace")
done < "$CORPUS/charts/PROVENANCE.tsv"

requests="$WORK/requests.jsonl"
: > "$requests"
for entry in "${charts[@]}"; do
  name=${entry%%:*}
  ns=${entry#*:}
  printf '{"id": "%s", "chart": "%s/charts/%s", "name": "%s", "namespace": "%s"}\n' \
    "$name" "$CORPUS" "$name" "$name" "$ns" >> "$requests"
done

echo "imgsift render vs Helm SDK: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $ROUNDS rounds, medians"
for round in $(seq "$ROUNDS"); do
  # Helm, one process for every chart: in-process seconds per chart.
  "$py" tests/helm-oracle/oracle.py --batch < "$requests" |
    "$py" -c 'import json,sys
for line in sys.stdin:
    a = json.loads(line); print(a["id"], a.get("seconds", "nan"))' > "$WORK/helm-$round.txt"
  # imgsift: one process per chart, wall seconds and peak RSS.
  : > "$WORK/imgsift-$round.txt"
  for entry in "${charts[@]}"; do
    name=${entry%%:*}
    ns=${entry#*:}
    # Wall time from bash's microsecond clock (time's %e has 10 ms steps, as long as a small
    # chart's whole render); peak RSS from time's %M.
    start=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$WORK/time.txt" "$BIN" render "$name" "$CORPUS/charts/$name" -n "$ns" >/dev/null 2>&1 || true
    end=$EPOCHREALTIME
    read -r kb < "$WORK/time.txt"
    echo "$name $(echo "$end - $start" | bc -l) $kb" >> "$WORK/imgsift-$round.txt"
  done
done

"$py" - "$WORK" "$ROUNDS" <<'EOF'
import statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
helm, native, rss = {}, {}, {}
for r in range(1, rounds + 1):
    for line in open(f"{work}/helm-{r}.txt"):
        name, secs = line.split()
        helm.setdefault(name, []).append(float(secs))
    for line in open(f"{work}/imgsift-{r}.txt"):
        name, secs, kb = line.split()
        native.setdefault(name, []).append(float(secs))
        rss[name] = max(rss.get(name, 0), int(kb))
print(f"{'chart':24} {'helm s':>9} {'imgsift s':>10} {'ratio':>7} {'RSS MB':>7}")
th = tn = 0.0
for name in helm:
    h, n = statistics.median(helm[name]), statistics.median(native[name])
    th += h; tn += n
    print(f"{name:24} {h:9.3f} {n:10.3f} {n / h if h else float('nan'):7.3f} {rss[name] / 1024:7.1f}")
print(f"{'all charts':24} {th:9.3f} {tn:10.3f} {tn / th:7.3f} {max(rss.values()) / 1024:7.1f}")
EOF
