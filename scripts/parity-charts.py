#!/usr/bin/env python3
"""Renders every chart of a folder with real Helm (tests/helm-oracle, batch mode) and with
`imgsift render`, and compares the two document by document (tests/helm-oracle/compare.py).

Charts not seen before, with values not seen before: each chart is rendered with its default
values, with each of its `ci/*.yaml` values files, and with each `--set` given. A chart whose
`dependencies:` are not vendored is skipped unless `--vendor-from DIR` names a folder of
charts to copy them from (sibling charts of the same repository), recursively.

    py="$(scripts/install-helm-sdk.sh)"
    $py scripts/parity-charts.py CHARTS_DIR [--vendor-from DIR] [--set a=b]... [--bin PATH]

Prints one line per difference and a summary; exit 1 when a render differs. Differences
that compare.py cannot tell from random values (a random password inside a base64 Secret
value) are printed too: read them.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ORACLE = os.path.join(ROOT, "tests/helm-oracle/oracle.py")
COMPARE = os.path.join(ROOT, "tests/helm-oracle/compare.py")


def dependencies(chart):
    with open(os.path.join(chart, "Chart.yaml")) as f:
        return (yaml.safe_load(f) or {}).get("dependencies") or []


def vendor(chart, source, depth=0):
    """Copies the chart's dependencies from `source` into its charts/ folder; False when one is
    not there."""
    if depth > 4:
        return False
    for dependency in dependencies(chart):
        name = dependency.get("name", "")
        origin = os.path.join(source, name)
        if not name or not os.path.isfile(os.path.join(origin, "Chart.yaml")):
            return False
        target = os.path.join(chart, "charts", name)
        if not os.path.exists(target):
            shutil.copytree(origin, target)
            if not vendor(target, source, depth + 1):
                return False
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("charts")
    parser.add_argument("--vendor-from")
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/imgsift"))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="parity-")
    requests = []
    skipped = 0
    for chart in sorted(glob.glob(os.path.join(args.charts, "*", "Chart.yaml"))):
        chart = os.path.dirname(chart)
        name = os.path.basename(chart)
        if dependencies(chart) and not os.path.isdir(os.path.join(chart, "charts")):
            if not args.vendor_from:
                skipped += 1
                continue
            copy = os.path.join(work, "charts", name)
            shutil.copytree(chart, copy)
            if not vendor(copy, args.vendor_from):
                skipped += 1
                continue
            chart = copy
        variants = [[]]
        variants += [["-f", v] for v in sorted(glob.glob(os.path.join(chart, "ci", "*.yaml")))]
        variants += [["--set", s] for s in args.set]
        for i, variant in enumerate(variants):
            requests.append({"id": f"{name}#{i}", "args": ["rel", chart, "-n", "ns"] + variant})

    batch = "".join(json.dumps(r) + "\n" for r in requests)
    answers = subprocess.run(
        [sys.executable, ORACLE, "--batch"], input=batch, capture_output=True, text=True
    ).stdout.splitlines()
    equal = different = refused = 0
    for request, line in zip(requests, answers):
        answer = json.loads(line)
        run = subprocess.run([args.bin, "render"] + request["args"], capture_output=True, text=True)
        rid = request["id"]
        if not answer["ok"]:
            if run.returncode != 0:
                refused += 1
            else:
                different += 1
                print(f"DIFF {rid}: Helm refuses ({answer['error'][:200]}), imgsift renders")
            continue
        if run.returncode != 0:
            different += 1
            print(f"DIFF {rid}: imgsift refuses: {run.stderr[:300]}")
            continue
        expected = os.path.join(work, rid.replace("/", "_") + ".helm.yaml")
        actual = os.path.join(work, rid.replace("/", "_") + ".imgsift.yaml")
        with open(expected, "w") as f:
            f.write(answer["output"])
        with open(actual, "w") as f:
            f.write(run.stdout)
        compared = subprocess.run(
            [sys.executable, COMPARE, expected, actual], capture_output=True, text=True
        )
        if compared.returncode == 0:
            equal += 1
        else:
            different += 1
            print(f"DIFF {rid}: {(compared.stdout + compared.stderr)[:600]}")
    print(
        f"{len(requests)} renders: {equal} equal, {different} different, "
        f"{refused} refused by both; {skipped} charts skipped (dependencies not vendored); "
        f"renders kept in {work}"
    )
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
