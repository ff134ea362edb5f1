#!/usr/bin/env python3
"""Differential test of imgsift's native kustomize build against real kustomize.

Generates random kustomize trees (a base and an overlay; images written with and without
registry, port, tag and digest; `images:` entries in both layers; strategic-merge and JSON 6902
patches; namespaces, prefixes, components), builds each with `kubectl kustomize` and with
imgsift, and compares the image sets (`kubectl kustomize DIR | imgsift scan -` against
`imgsift scan DIR/kustomization.yaml`). Prints every disagreement with its tree kept on disk.

Usage: scripts/kustomize-differential.py [CASES] [SEED]   (defaults 200, 1)
Needs kubectl and a release build (cargo build --release).
"""

import os
import random
import shutil
import subprocess
import sys
import tempfile

IMGSIFT = os.path.join(os.path.dirname(__file__), "..", "target", "release", "imgsift")

NAMES = [
    "nginx",
    "library/nginx",
    "docker.io/library/nginx",
    "ghcr.io/acme/api",
    "registry.example.com:5000/team/app",
    "quay.io/prom/prometheus",
    "busybox",
    "nginx-exporter",
]
TAGS = ["", ":1.25", ":v2.0.1", ":latest"]
DIGEST = "@sha256:" + "a" * 64
NEW_NAMES = ["", "", "mirror.local/nginx", "registry.internal:5000/mirror/app", "ghcr.io/acme/api"]
NEW_TAGS = ["", "", "9.9", "v3"]
DIGESTS = ["", "", "", "sha256:" + "b" * 64]


def image(rng):
    text = rng.choice(NAMES) + rng.choice(TAGS)
    if rng.random() < 0.15:
        text += DIGEST
    return text


def images_block(rng):
    lines = []
    for _ in range(rng.randint(0, 4)):
        entry = {"name": rng.choice(NAMES)}
        for key, pool in (("newName", NEW_NAMES), ("newTag", NEW_TAGS), ("digest", DIGESTS)):
            value = rng.choice(pool)
            if value:
                entry[key] = value
        lines.append("- {" + ", ".join(f'{k}: "{v}"' for k, v in entry.items()) + "}")
    if not lines:
        return ""
    return "images:\n" + "\n".join(lines) + "\n"


def deployment(name, containers, init):
    def block(key, items):
        if not items:
            return ""
        out = f"      {key}:\n"
        for cname, img in items:
            out += f"      - name: {cname}\n        image: \"{img}\"\n"
        return out

    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f"  name: {name}\n  labels: {{app: {name}}}\n"
        "spec:\n  template:\n    spec:\n"
        + block("containers", containers)
        + block("initContainers", init)
    )


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_case(rng, root):
    deployments = []
    base_resources = []
    for d in range(rng.randint(1, 2)):
        name = f"app{d}"
        containers = [(f"c{i}", image(rng)) for i in range(rng.randint(1, 3))]
        init = [(f"i{i}", image(rng)) for i in range(rng.randint(0, 1))]
        deployments.append((name, containers, init))
        write(f"{root}/base/{name}.yaml", deployment(name, containers, init))
        base_resources.append(f"{name}.yaml")
    base = "resources:\n" + "".join(f"- {r}\n" for r in base_resources)
    if rng.random() < 0.3:
        base += "namePrefix: pre-\n"
    base += images_block(rng)
    write(f"{root}/base/kustomization.yaml", base)

    overlay = "resources:\n- ../base\n"
    if rng.random() < 0.4:
        overlay += "namespace: prod\n"
    patches = []
    name, containers, _ = rng.choice(deployments)
    if rng.random() < 0.6:
        # A strategic-merge patch: retag an existing container or add one.
        target = rng.choice([c[0] for c in containers] + ["added"])
        write(
            f"{root}/overlay/smp.yaml",
            deployment(name, [(target, image(rng))], []),
        )
        patches.append("- path: smp.yaml\n")
    if rng.random() < 0.5:
        index = rng.randrange(len(containers))
        op = rng.choice(["replace", "add"])
        patches.append(
            "- target: {kind: Deployment, name: " + name + "}\n"
            "  patch: |-\n"
            f"    - op: {op}\n"
            f"      path: /spec/template/spec/containers/{index}/image\n"
            f"      value: \"{image(rng)}\"\n"
        )
    if patches:
        overlay += "patches:\n" + "".join(patches)
    if rng.random() < 0.3:
        write(
            f"{root}/component/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n" + images_block(rng),
        )
        overlay += "components:\n- ../component\n"
    overlay += images_block(rng)
    write(f"{root}/overlay/kustomization.yaml", overlay)


def run(args, stdin=None):
    return subprocess.run(args, input=stdin, capture_output=True)


def main():
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="kustomize-differential-")
    failures = skipped = 0
    for n in range(cases):
        root = os.path.join(work, f"case{n}")
        make_case(rng, root)
        rendered = run(["kubectl", "kustomize", f"{root}/overlay"])
        if rendered.returncode != 0:
            # kustomize refused the tree (a duplicate container name, say); so does the check.
            skipped += 1
            shutil.rmtree(root)
            continue
        expected = run([IMGSIFT, "scan", "-"], rendered.stdout).stdout
        native = run([IMGSIFT, "scan", f"{root}/overlay/kustomization.yaml"])
        if native.stdout != expected:
            failures += 1
            print(f"DIFF {root}\n--- kustomize\n{expected.decode()}--- imgsift\n{native.stdout.decode()}{native.stderr.decode()}")
        else:
            shutil.rmtree(root)
    print(f"{cases} cases, {cases - skipped} built by kustomize, {failures} disagreements (seed {seed}; trees kept in {work})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
