#!/usr/bin/env python3
"""Validate the oracle against the corpus's stored renders.

    check-corpus.py [--corpus DIR] [CHART ...]

Renders every chart of DIR/charts (default: $IMGSIFT_CORPUS, else ../shared/corpus beside the
repository) with default values, release name = chart name and the namespace of
charts/PROVENANCE.tsv, exactly like `helm template NAME charts/NAME --namespace NS` that made
DIR/charts-rendered/NAME.yaml, and compares the two document by document with compare.py (only
random values tolerated). Prints one line per chart and exits 1 unless every chart passes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import compare  # noqa: E402
import oracle  # noqa: E402


def default_corpus() -> str:
    env = os.environ.get("IMGSIFT_CORPUS")
    if env:
        return env
    repo = os.path.dirname(os.path.dirname(HERE))
    for candidate in (os.path.join(repo, "..", "shared", "corpus"), "/work/shared/corpus"):
        if os.path.isdir(os.path.join(candidate, "charts")):
            return os.path.abspath(candidate)
    return os.path.join(repo, "..", "shared", "corpus")


def read_provenance(corpus: str) -> list[tuple[str, str]]:
    rows = []
    with open(os.path.join(corpus, "charts", "PROVENANCE.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        ci, ni = header.index("chart"), header.index("namespace")
        for line in f:
            if line.strip():
                cols = line.rstrip("\n").split("\t")
                rows.append((cols[ci], cols[ni]))
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=default_corpus())
    ap.add_argument("--show", type=int, default=20, help="differences printed per chart")
    ap.add_argument("charts", nargs="*")
    args = ap.parse_args(argv)

    rows = read_provenance(args.corpus)
    if args.charts:
        rows = [r for r in rows if r[0] in args.charts]
        missing = set(args.charts) - {r[0] for r in rows}
        if missing:
            print(f"not in PROVENANCE.tsv: {sorted(missing)}", file=sys.stderr)
            return 2

    failed = []
    t_all = time.perf_counter()
    print(f"{'chart':<24} {'docs':>5} {'helm s':>7}  result")
    for chart, ns in rows:
        req = oracle.normalize_request(
            {"args": [chart, os.path.join(args.corpus, "charts", chart), "--namespace", ns]}
        )
        with open(os.path.join(args.corpus, "charts-rendered", chart + ".yaml"), encoding="utf-8") as f:
            stored = f.read()
        try:
            answer = oracle.handle(req)
        except oracle.HelmCLIError as e:
            print(f"{chart:<24} {'-':>5} {'-':>7}  FAIL: Error: {e}")
            failed.append(chart)
            continue
        report = compare.compare_streams(stored, answer["output"])
        identical = " (byte-identical)" if stored == answer["output"] else ""
        status = "ok" if report.ok else "FAIL"
        tol = ", ".join(f"{k} {v}" for k, v in sorted(report.tolerated.items()))
        print(
            f"{chart:<24} {report.documents:>5} {answer['seconds']:>7.3f}  {status}{identical}"
            + (f"  tolerated: {tol}" if tol else "")
        )
        if not report.ok:
            failed.append(chart)
            for d in report.differences[: args.show]:
                print(f"    {d}")
            if len(report.differences) > args.show:
                print(f"    ... {len(report.differences) - args.show} more")
    print(
        f"{len(rows) - len(failed)}/{len(rows)} charts match their stored render "
        f"({time.perf_counter() - t_all:.1f} s)"
    )
    if failed:
        print("failed: " + " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
