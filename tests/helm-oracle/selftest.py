#!/usr/bin/env python3
"""Checks that the oracle's flags behave as `helm template`'s do. Exits 1 on any failure.

    selftest.py [--corpus DIR] [-k SUBSTRING]

Uses real charts of the corpus (default: $IMGSIFT_CORPUS, else ../shared/corpus beside the
repository) where one branches on the flag, plus small charts written to a temporary folder.
Each check names the Helm code it holds the oracle to (helm/helm v4.2.3, pkg/cmd/template.go
unless said otherwise). Runs in well under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from typing import Any, Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import compare  # noqa: E402
import gohelm  # noqa: E402
import oracle  # noqa: E402

helm = oracle.helm
CORPUS = ""
TMP = ""
CHECKS: list[tuple[str, Callable[[], None]]] = []


def check(fn: Callable[[], None]) -> Callable[[], None]:
    CHECKS.append((fn.__name__, fn))
    return fn


class Failed(AssertionError):
    pass


def expect(cond: Any, msg: str) -> None:
    if not cond:
        raise Failed(msg)


def chart(name: str) -> str:
    return os.path.join(CORPUS, "charts", name)


def render(*args: str) -> str:
    """The oracle's stdout for `helm template ARGS` (raises HelmCLIError like Helm fails)."""
    return oracle.handle(oracle.parse_args(list(args)))["output"]


def error_of(*args: str) -> str:
    try:
        render(*args)
    except oracle.HelmCLIError as e:
        return str(e)
    raise Failed(f"expected an error from {args}")


def docs(text: str) -> list[compare.Doc]:
    return compare.split_stream(text)


def sources(text: str) -> list[str | None]:
    return [d.source for d in docs(text)]


def hook_of(d: compare.Doc) -> str | None:
    if isinstance(d.obj, dict):
        ann = (d.obj.get("metadata") or {}).get("annotations") or {}
        return ann.get("helm.sh/hook")
    return None


def same(expected: str, actual: str, what: str) -> None:
    report = compare.compare_streams(expected, actual)
    expect(report.ok, f"{what}: " + "; ".join(report.differences[:5]))


def write_chart(name: str, files: dict[str, str], chart_yaml: str = "") -> str:
    root = os.path.join(TMP, name)
    os.makedirs(os.path.join(root, "templates"), exist_ok=True)
    with open(os.path.join(root, "Chart.yaml"), "w") as f:
        f.write(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{chart_yaml}")
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    return root


def write(name: str, text: str) -> str:
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


PROBE = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
data:
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  major: {{ .Capabilities.KubeVersion.Major | quote }}
  minor: {{ .Capabilities.KubeVersion.Minor | quote }}
  apps: {{ .Capabilities.APIVersions.Has "apps/v1" | quote }}
  foo: {{ .Capabilities.APIVersions.Has "foo.example.com/v1" | quote }}
  bar: {{ .Capabilities.APIVersions.Has "bar.example.com/v1/Bar" | quote }}
  isUpgrade: {{ .Release.IsUpgrade | quote }}
  isInstall: {{ .Release.IsInstall | quote }}
  values: {{ toJson .Values | quote }}
"""


def probe(*args: str) -> dict[str, Any]:
    path = write_chart("probe", {"templates/probe.yaml": PROBE})
    out = render(*args[:1], path, *args[1:]) if args and not args[0].startswith("-") else render(path, *args)
    [d] = docs(out)
    return d.obj


# --------------------------------------------------------------------------------------------
# --kube-version


@check
def kube_version_default_and_override() -> None:
    d = probe()
    expect(d["data"]["kube"] == "v1.36.0", f"default KubeVersion {d['data']['kube']}")
    d = probe("--kube-version", "1.30.2")
    expect(
        (d["data"]["kube"], d["data"]["major"], d["data"]["minor"]) == ("v1.30.2", "1", "30"),
        f"--kube-version 1.30.2 gave {d['data']}",
    )
    d = probe("--kube-version=v1.29.0-gke.1")
    expect(d["data"]["kube"] == "v1.29.0-gke.1", f"gitVersion kept as given: {d['data']['kube']}")


@check
def kube_version_changes_ingress_nginx() -> None:
    # controller-service.yaml: {{- if semverCompare ">=1.31.0-0" .Capabilities.KubeVersion.Version }}
    #   trafficDistribution: ...
    base = ["ingress-nginx", chart("ingress-nginx"), "-n", "ingress-nginx",
            "--set", "controller.service.trafficDistribution=PreferClose",
            "-s", "templates/controller-service.yaml"]
    [new], [old] = docs(render(*base)), docs(render(*base, "--kube-version", "1.30.0"))
    expect(new.obj["spec"].get("trafficDistribution") == "PreferClose", "1.36 (default) has it")
    expect("trafficDistribution" not in old.obj["spec"], "1.30 has no trafficDistribution")
    new.obj["spec"]["trafficDistribution"] = None
    del new.obj["spec"]["trafficDistribution"]
    expect(new.obj == old.obj, "nothing else changes")


@check
def kube_version_errors() -> None:
    msg = error_of("ingress-nginx", chart("ingress-nginx"), "--kube-version", "1.20.0")
    expect(
        msg
        == "chart requires kubeVersion: >=1.21.0-0 which is incompatible with Kubernetes v1.20.0"
        + oracle.RENDER_ERROR_HINT,
        f"chart kubeVersion check: {msg!r}",
    )
    msg = error_of(chart("metrics-server"), "--kube-version", "banana")
    expect(
        msg == "invalid kube version 'banana': could not parse \"banana\" as version",
        f"bad --kube-version: {msg!r}",
    )


# --------------------------------------------------------------------------------------------
# --api-versions


@check
def api_versions_probe() -> None:
    d = probe()["data"]
    expect((d["apps"], d["foo"], d["bar"]) == ("true", "false", "false"), f"defaults {d}")
    d = probe("-a", "foo.example.com/v1,bar.example.com/v1/Bar")["data"]
    expect((d["apps"], d["foo"], d["bar"]) == ("true", "true", "true"), f"comma list {d}")
    d = probe("--api-versions", "foo.example.com/v1", "--api-versions=bar.example.com/v1/Bar")["data"]
    expect((d["apps"], d["foo"], d["bar"]) == ("true", "true", "true"), f"repeated {d}")


@check
def api_versions_change_traefik_pdb() -> None:
    # traefik poddisruptionbudget.yaml: Has "policy/v1/PodDisruptionBudget" -> policy/v1,
    # else policy/v1beta1 (a group/version/Kind string is never among the defaults).
    base = [
        "traefik", chart("traefik"), "-n", "traefik",
        "--set", "podDisruptionBudget.enabled=true", "--set", "podDisruptionBudget.maxUnavailable=1",
        "-s", "templates/poddisruptionbudget.yaml",
    ]
    [d] = docs(render(*base))
    expect(d.obj["apiVersion"] == "policy/v1beta1", f"without -a: {d.obj['apiVersion']}")
    [d] = docs(render(*base, "-a", "policy/v1/PodDisruptionBudget"))
    expect(d.obj["apiVersion"] == "policy/v1", f"with -a: {d.obj['apiVersion']}")


# gpu-operator validations.yaml: a GPUCluster CR needs Has "resource.k8s.io/v1/DeviceClass" (or
# v1beta2/v1beta1), a group/version/Kind string that only --api-versions can provide.
GPU_CLUSTER = ["--set", "gpuCluster.deployCR=true", "--set", "clusterPolicy.deployCR=false",
               "--set", "driver.nvidiaDriverCRD.enabled=true"]


@check
def api_versions_change_gpu_operator_and_traefik_fail() -> None:
    msg = error_of("gpu-operator", chart("gpu-operator"), "-n", "gpu-operator", *GPU_CLUSTER)
    expect(
        msg.startswith("execution error at (gpu-operator/templates/validations.yaml:")
        and "requires a Kubernetes cluster that supports Dynamic Resource Allocation" in msg
        and msg.endswith(oracle.RENDER_ERROR_HINT),
        f"gpu-operator without DeviceClass API: {msg!r}",
    )
    out = render(
        "gpu-operator", chart("gpu-operator"), "-n", "gpu-operator",
        *GPU_CLUSTER, "-a", "resource.k8s.io/v1/DeviceClass",
    )
    expect(len(docs(out)) > 20, "gpu-operator renders once the DeviceClass API is declared")
    base = ["traefik", chart("traefik"), "-n", "traefik", "--set", "metrics.prometheus.serviceMonitor.enabled=true"]
    msg = error_of(*base)
    expect("ERROR: You have to deploy monitoring.coreos.com/v1 first" in msg, f"traefik: {msg!r}")
    out = render(*base, "-a", "monitoring.coreos.com/v1")
    expect(any(isinstance(d.obj, dict) and d.obj.get("kind") == "ServiceMonitor" for d in docs(out)), "ServiceMonitor")


# --------------------------------------------------------------------------------------------
# hooks, --skip-tests, --no-hooks


def split_hooks(text: str) -> tuple[list[compare.Doc], list[compare.Doc]]:
    ds = docs(text)
    first = next((i for i, d in enumerate(ds) if hook_of(d)), len(ds))
    return ds[:first], ds[first:]


@check
def hooks_follow_manifests() -> None:
    # renderResources puts hooks in rel.Hooks; template.go prints them after rel.Manifest.
    out = render("ingress-nginx", chart("ingress-nginx"), "-n", "ingress-nginx")
    manifests, hooks = split_hooks(out)
    expect(hooks, "ingress-nginx has admission-webhook hooks")
    expect(all(hook_of(d) for d in hooks), "no plain manifest after the first hook")
    expect(not any(hook_of(d) for d in manifests), "no hook among the manifests")
    # SortManifests sorts hooks by kind (InstallOrder), stable in file-path order.
    kinds = [d.obj["kind"] for d in hooks]
    order = [gohelm._kind_key(k) for k in kinds]
    expect(order == sorted(order), f"hooks not in install order: {kinds}")


@check
def unknown_hook_type_dropped() -> None:
    path = write_chart(
        "hooks",
        {
            "templates/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n",
            "templates/b.yaml": (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bogus\n  annotations:\n"
                "    helm.sh/hook: pre-install,on-tuesday\n---\n"
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: job\n  annotations:\n"
                "    helm.sh/hook: pre-install\n---\n"
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: sec\n  annotations:\n"
                "    helm.sh/hook: post-install\n    helm.sh/hook-weight: \"-5\"\n---\n"
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: test\n  annotations:\n"
                "    helm.sh/hook: test-success\n"
            ),
            "templates/NOTES.txt": "notes are not printed",
        },
    )
    out = render(path)
    names = [d.obj["metadata"]["name"] for d in docs(out)]
    # Secret before Pod before Job (InstallOrder), the unknown hook type dropped.
    expect(names == ["plain", "sec", "test", "job"], f"hook order / unknown hook: {names}")
    expect("notes are not printed" not in out, "NOTES.txt rendered")
    names = [d.obj["metadata"]["name"] for d in docs(render(path, "--skip-tests"))]
    expect(names == ["plain", "sec", "job"], f"--skip-tests drops test-success hooks too: {names}")


@check
def skip_tests_jenkins() -> None:
    base = ["jenkins", chart("jenkins"), "-n", "jenkins"]
    full, skipped = render(*base), render(*base, "--skip-tests")
    tests = [d for d in docs(full) if hook_of(d) in ("test", "test-success")]
    expect(tests, "jenkins has a test hook")
    kept = [d for d in docs(full) if hook_of(d) not in ("test", "test-success")]
    expect(
        [d.source for d in docs(skipped)] == [d.source for d in kept],
        "--skip-tests removes exactly the test hooks",
    )


@check
def no_hooks_kube_prometheus_stack() -> None:
    base = ["kube-prometheus-stack", chart("kube-prometheus-stack"), "-n", "monitoring"]
    full, nohooks = render(*base), render(*base, "--no-hooks")
    manifests, hooks = split_hooks(full)
    expect(hooks, "kube-prometheus-stack has hooks")
    expect(not any(hook_of(d) for d in docs(nohooks)), "--no-hooks printed a hook")
    expect(
        [d.source for d in docs(nohooks)] == [d.source for d in manifests],
        "--no-hooks keeps every manifest",
    )


# --------------------------------------------------------------------------------------------
# --show-only


@check
def show_only_matching() -> None:
    base = ["ingress-nginx", chart("ingress-nginx"), "-n", "ingress-nginx"]
    full = render(*base)
    by_source: dict[str, list[compare.Doc]] = {}
    for d in docs(full):
        by_source.setdefault(d.source or "", []).append(d)
    one = render(*base, "-s", "templates/controller-deployment.yaml")
    expect(sources(one) == ["ingress-nginx/templates/controller-deployment.yaml"], f"{sources(one)}")
    same("---" + by_source["ingress-nginx/templates/controller-deployment.yaml"][0].text, one, "-s doc")
    # filepath.Match globs; '*' does not cross '/'; order follows the patterns, then the output.
    glob = render(*base, "--show-only", "templates/controller-service*.yaml")
    want = [s for s in sources(full) if s and s.startswith("ingress-nginx/templates/controller-service")
            and s.count("/") == 2]
    expect(sources(glob) == want, f"glob: {sources(glob)} != {want}")
    none = error_of(*base, "-s", "templates/*.yml")
    expect(none == "could not find template templates/*.yml in chart", none)
    two = render(*base, "-s", "templates/controller-service.yaml", "-s", "templates/controller-configmap.yaml")
    expect(
        sources(two) == ["ingress-nginx/templates/controller-service.yaml",
                         "ingress-nginx/templates/controller-configmap.yaml"],
        f"pattern order: {sources(two)}",
    )
    # Hooks are part of what --show-only searches.
    hook_src = next(d.source for d in docs(full) if hook_of(d))
    path = hook_src.split("/", 1)[1]
    expect(hook_src in sources(render(*base, "-s", path)), "-s finds hook templates")
    expect(error_of(*base, "--no-hooks", "-s", path).startswith("could not find template"),
           "-s with --no-hooks does not find a hook")


@check
def show_only_subchart() -> None:
    base = ["kube-prometheus-stack", chart("kube-prometheus-stack"), "-n", "monitoring"]
    out = render(*base, "-s", "charts/grafana/templates/deployment.yaml")
    expect(sources(out) == ["kube-prometheus-stack/charts/grafana/templates/deployment.yaml"], f"{sources(out)}")


# --------------------------------------------------------------------------------------------
# --include-crds


def crd_docs(chart_dir: str) -> int:
    n = 0
    for root, _, files in os.walk(chart_dir):
        parts = os.path.relpath(root, chart_dir).split(os.sep)
        if parts[-1] != "crds" or "templates" in parts:
            continue
        for f in files:
            if f.endswith((".yaml", ".yml", ".json")):
                with open(os.path.join(root, f)) as fh:
                    n += len([d for d in docs(fh.read()) if d.obj is not None])
    return n


@check
def include_crds() -> None:
    for name, ns, extra, crd_root in (
        ("external-dns", "external-dns", [], chart("external-dns")),
        ("gpu-operator", "gpu-operator", [], chart("gpu-operator")),
        ("gpu-operator", "gpu-operator", ["--set", "nfd.enabled=false"], None),
    ):
        base = [name, chart(name), "-n", ns, *extra]
        plain, with_crds = render(*base), render(*base, "--include-crds")
        crds = [d for d in docs(with_crds) if d.source and "/crds/" in d.source and "/templates/" not in d.source]
        expect(not [s for s in sources(plain) if s and "/crds/" in s and "/templates/" not in s], "no crds/ without the flag")
        expect(crds, f"{name}: no crds/ documents with --include-crds")
        rest = [d for d in docs(with_crds) if d.obj is not None and not (d.source and "/crds/" in d.source and "/templates/" not in d.source) and d.source is not None]
        # CRD files come first (renderResources writes them before the manifests).
        first_manifest = next(i for i, d in enumerate(docs(with_crds)) if d.source and "/templates/" in d.source)
        expect(all(not (d.source and "/templates/" in d.source) for d in docs(with_crds)[:first_manifest]), "CRDs first")
        expect([d.source for d in rest] == [s for s in sources(plain)], f"{name}: the rest unchanged")
        nfd = [d for d in crds if "node-feature-discovery" in (d.source or "")]
        if extra:
            expect(not nfd, "a disabled subchart's CRDs are not printed")
        elif name == "gpu-operator":
            expect(nfd, "subchart CRDs are printed")
        if crd_root:
            n = len([d for d in docs(with_crds)[:first_manifest] if d.obj is not None])
            expect(n == crd_docs(crd_root), f"{name}: {n} CRD documents, files hold {crd_docs(crd_root)}")
    base = ["kube-prometheus-stack", chart("kube-prometheus-stack"), "-n", "monitoring", "--include-crds"]
    on = [s for s in sources(render(*base)) if s and "/crds/" in s]
    off = [s for s in sources(render(*base, "--set", "crds.enabled=false")) if s and "/crds/" in s]
    expect(on and not off, f"crds subchart condition: {len(on)} with, {len(off)} without")


# --------------------------------------------------------------------------------------------
# values: -f (every document, left to right) and --set parsed into them


@check
def values_multi_document_files() -> None:
    f1 = write("multi.yaml", "# first\na: 1\nb:\n  x: 1\n  keep: k\nlist: [a, b, c]\n---\nb:\n  x: 2\n  z: 3\n  y: yes\nc: three\n---\n# only a comment\n---\nd: null\n")
    f2 = write("second.yaml", "---\nc: overridden\ne: [1]\n")
    vals = json.loads(probe("-f", f1, "--values", f2)["data"]["values"])
    # YAML 1.1 as Helm reads it: the key y is the boolean true, printed "true"; so is yes.
    want = {"a": 1, "b": {"x": 2, "z": 3, "true": True, "keep": "k"}, "list": ["a", "b", "c"], "c": "overridden", "d": None, "e": [1]}
    expect(vals == want, f"merged values {vals} != {want}")
    # The SDK's values_from_yaml reads the first document only: the reason for the port.
    sdk = oracle.values_from_yaml(open(f1).read())
    expect("c" not in sdk, "values_from_yaml now merges documents; the port could go")
    vals = json.loads(probe("-f", f"{f2},{f1}")["data"]["values"])
    expect(vals["c"] == "three", f"-f a,b is a comma list, merged left to right: {vals['c']}")
    bad = write("bad.yaml", "a: 1\n--- x\nb: 2\n")
    msg = error_of(write_chart("probe", {"templates/probe.yaml": PROBE}), "-f", bad)
    expect(msg == f"failed to parse {bad}: error reading yaml document: invalid Yaml document separator: x", msg)
    lst = write("list.yaml", "- 1\n")
    msg = error_of(write_chart("probe", {"templates/probe.yaml": PROBE}), "-f", lst)
    expect(msg.startswith(f"failed to parse {lst}: cannot unmarshal yaml document: error unmarshaling JSON") and
           "map[string]interface {}" in msg, msg)
    msg = error_of(write_chart("probe", {"templates/probe.yaml": PROBE}), "-f", "/nonexistent/v.yaml")
    expect(msg == "open /nonexistent/v.yaml: no such file or directory", msg)


@check
def set_parses_into_values() -> None:
    f1 = write("list.yaml", "list: [a, b, c]\nm: {x: 1}\n")
    vals = json.loads(probe("-f", f1, "--set", "list[1]=X,m.y=2", "--set-string", "n=010",
                            "--set-json", 'j={"k":[1,2]}', "--set-literal", "lit=a,b=c")["data"]["values"])
    want = {"list": ["a", "X", "c"], "m": {"x": 1, "y": 2}, "n": "010", "j": {"k": [1, 2]}, "lit": "a,b=c"}
    expect(vals == want, f"{vals} != {want}")
    # Order of application is fixed: -f, --set-json, --set, --set-string, --set-file, --set-literal.
    vals = json.loads(probe("--set-literal", "a=lit", "--set", "a=set", "--set-json", "a=1")["data"]["values"])
    expect(vals["a"] == "lit", f"literal applies last: {vals}")
    fpath = write("content.txt", "file content\n")
    vals = json.loads(probe("--set-file", f"f={fpath}")["data"]["values"])
    expect(vals["f"] == "file content\n", f"--set-file: {vals}")
    msg = error_of(write_chart("probe", {"templates/probe.yaml": PROBE}), "--set", "a.b")
    expect(msg == 'failed parsing --set data: key "b" has no value', msg)
    msg = error_of(write_chart("probe", {"templates/probe.yaml": PROBE}), "--set-json", "a={bad")
    expect(msg == "failed parsing --set-json data a={bad", msg)
    msg = error_of(write_chart("probe", {"templates/probe.yaml": PROBE}), "-f", f1, "--set", "m[0]=1")
    expect(msg == "failed parsing --set data: unable to parse key: interface conversion: interface {} is "
           "map[string]interface {}, not []interface {}", msg)


STRVALS_CASES = [
    "a=1", "a=1,b=2", "a.b.c=x", "a[0]=1,a[2]=3", "a[0].b=1,a[0].c=2", "a[1][0]=x", "a[0][1].b=2",
    "a={1,2,3}", "a={}", "a={a,b}", "a={a,b", "a=", "a=,b=1", "a", "a.b", "a,", "=1", ",", "",
    "a=1\\,2", "a\\.b=1", "a=x\\", "a=true,b=FALSE,c=null,d=0,e=00,f=-1,g=+5,h=1e3,i=0x1F",
    "j=9223372036854775807,k=9223372036854775808,l=1.5,m=-0", "a[-1]=1", "a[x]=1", "a[65536]=1",
    "a[65537]=1", "a[1", "a[1]", "a[1]x=2", "a.b=1,a=2", "a=2,a.b=1", "a=x,a[0]=1", "a[0]=1,a.b=2",
    "a[0]=1,a[0][1]=2", "a[0]=x,a[0].b=1", "name=value with spaces", "ключ=значение",
    "a=\"quoted\",b='single'", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.A.B.C.D.E=1",
    "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.A.B.C.D=1", "a[0]={x,y}",
    "a[0]=,b=2", "a.=1", "a..b=1", "[0]=1", "a[]=1", "a[0]]=1", "a=b=c", "a={b=c}", "x=\u00e9\u00e8",
]
JSON_CASES = [
    'a={"b":[1,2]}', 'a=[1,2],b="x"', "a=", "a=null", "a= 1 , b=2", "a=tru", 'a={"x":1}x',
    'a[0]={"k":1}', "a=1e400", 'a=1,b', 'a.b=[true,false]', 'a="x\\"y"', "a=[1,2", "a[1]=2,a[0]=1",
]
LITERAL_CASES = [
    "a=b,c=d", "a.b=x=y", "a[0]=1,2", "a", "a.b", "a[1]=", "a\\b=1", "a[1", "a[x]=1", "a.b[0].c=1",
    "a=", "", "a[0][1]=z", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.A.B.C.D.E=1",
]


def _norm(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    return [_norm(x) for x in v]


@check
def strvals_port_matches_sdk_parsers() -> None:
    # The SDK parses into a fresh map (strvals.Parse & co.); the port must agree on every
    # value and every error message before it is trusted to parse into merged values.
    f1, f2 = write("sf1.txt", "one"), write("sf2.txt", "two\n")
    file_cases = [f"a={f1},b={f2}", f"a={{{f1},{f2}}}", "a=/nonexistent/x", f"a[0]={f1}", "a"]
    sdk = {
        "typed": "helm_strvals_parse",
        "string": "helm_strvals_parse_string",
        "json": "helm_strvals_parse_json",
        "literal": "helm_strvals_parse_literal",
        "file": "helm_strvals_parse_file",
    }
    problems = []
    for mode, cases in (("typed", STRVALS_CASES), ("string", STRVALS_CASES), ("json", JSON_CASES),
                        ("literal", LITERAL_CASES), ("file", file_cases)):
        for expr in cases:
            try:
                want: Any = ("ok", _norm(json.loads(oracle._native.call_string(sdk[mode], expr))))
            except helm.HelmError as e:
                want = ("error", str(e))

            def reader(rs: str) -> str:
                try:
                    return oracle.read_file(rs, os.getcwd())
                except oracle.HelmCLIError as e:
                    raise gohelm.StrvalsError(str(e)) from None

            try:
                got: Any = ("ok", _norm(gohelm.parse_fresh(expr, mode, reader if mode == "file" else None)))
            except gohelm.StrvalsError as e:
                got = ("error", str(e))
            if mode == "json" and want[0] == got[0] == "error":
                continue  # MergeValues replaces these texts by "failed parsing --set-json data X"
            if got != want:
                problems.append(f"{mode} {expr!r}: sdk {want} port {got}")
    expect(not problems, "\n      ".join(problems))


# --------------------------------------------------------------------------------------------
# release name, namespace, --is-upgrade


@check
def name_namespace_upgrade() -> None:
    d = probe()
    expect((d["metadata"]["name"], d["metadata"]["namespace"]) == ("release-name", "default"), f"{d['metadata']}")
    d = probe("myrel", "-n", "ns1")
    expect((d["metadata"]["name"], d["metadata"]["namespace"]) == ("myrel", "ns1"), f"{d['metadata']}")
    d = probe("--name", "viaflag", "--namespace=ns2")
    expect((d["metadata"]["name"], d["metadata"]["namespace"]) == ("viaflag", "ns2"), f"{d['metadata']}")
    expect((d["data"]["isUpgrade"], d["data"]["isInstall"]) == ("false", "true"), f"{d['data']}")
    d = probe("--is-upgrade")
    expect((d["data"]["isUpgrade"], d["data"]["isInstall"]) == ("true", "false"), f"{d['data']}")
    msg = error_of("Bad_Name", write_chart("probe", {"templates/probe.yaml": PROBE}))
    expect(msg.startswith('release name check failed: release name "Bad_Name"'), msg)


@check
def is_upgrade_path_matches_install() -> None:
    # --is-upgrade is rendered from the SDK's raw render, sorted by the port of SortManifests
    # (the install cannot set IsUpgrade). Without IsUpgrade-dependent templates the two agree.
    for name, ns in (("argo-cd", "argocd"), ("cert-manager", "cert-manager"), ("ingress-nginx", "ingress-nginx"),
                     ("velero", "velero"), ("gpu-operator", "gpu-operator")):
        base = [name, chart(name), "-n", ns, "--include-crds"]
        same(render(*base), render(*base, "--is-upgrade"), f"{name} --is-upgrade")


@check
def sort_port_matches_install_on_corpus() -> None:
    # The port of SortManifests (used for hooks) against Helm's own sort of the same chart.
    problems = []
    for row in open(os.path.join(CORPUS, "charts", "PROVENANCE.tsv")).read().splitlines()[1:]:
        name, ns = row.split("\t")[0], row.split("\t")[5]
        timer = oracle.Timer()
        files, ch = oracle.raw_render(chart(name), "{}", {"name": name, "namespace": ns}, timer, "r")
        ch.close()
        files = {k: v for k, v in files.items() if not k.endswith("NOTES.txt")}
        hooks, generic = gohelm.sort_manifests(files, oracle.parse_head)
        mine = gohelm.go_trim_space("".join(f"---\n# Source: {m.name}\n{m.content}\n" for m in generic)) + "\n"
        mine += "".join(f"---\n# Source: {h.path}\n{h.manifest}\n" for h in hooks)
        with open(os.path.join(CORPUS, "charts-rendered", name + ".yaml")) as f:
            report = compare.compare_streams(f.read(), mine)
        if not report.ok:
            problems.append(f"{name}: {report.differences[:3]}")
    expect(not problems, "; ".join(problems))


# --------------------------------------------------------------------------------------------
# errors


@check
def errors_as_helm_prints_them() -> None:
    tpl = write_chart("broken", {"templates/a.yaml": "a: {{ .Values.x.y.z }}\n"})
    msg = error_of(tpl)
    expect(msg == ("broken/templates/a.yaml:1:13\n  executing \"broken/templates/a.yaml\" at <.Values.x.y.z>:\n"
                   "    nil pointer evaluating interface {}.y" + oracle.RENDER_ERROR_HINT), repr(msg))
    yml = write_chart("badyaml", {"templates/a.yaml": "kind: [\n"})
    msg = error_of(yml)
    expect(msg.startswith("YAML parse error on badyaml/templates/a.yaml: error converting YAML to JSON: yaml: line 1")
           and msg.endswith(oracle.RENDER_ERROR_HINT), repr(msg))
    lib = write_chart("lib", {"templates/_x.tpl": ""}, "type: library\n")
    expect(error_of(lib) == "library charts are not installable", error_of(lib))
    dep = write_chart("dep", {"templates/a.yaml": ""}, "dependencies:\n- name: foo\n  version: 1.0.0\n  repository: https://example.com\n")
    expect(error_of(dep) == ("an error occurred while checking for chart dependencies. You may need to run "
                             "'helm dependency build' to fetch missing dependencies: found in Chart.yaml, "
                             "but missing in charts/ directory: foo"), error_of(dep))
    schema = write_chart("schema", {"templates/a.yaml": "", "values.schema.json":
                                    '{"type":"object","required":["x"]}'})
    msg = error_of(schema)
    expect(msg.startswith("values don't meet the specifications of the schema(s)") and "missing property 'x'" in msg, msg)
    expect(error_of("./nope") == 'path "./nope" not found', error_of("./nope"))
    expect(error_of(tpl, "--bogus") == "unknown flag: --bogus", error_of(tpl, "--bogus"))
    expect(error_of(tpl, "--set") == "flag needs an argument: --set", "missing flag value")
    expect(error_of(tpl, "a", "b") == "expected at most two arguments, unexpected arguments: b", error_of(tpl, "a", "b"))
    try:
        oracle.parse_args([])
        raise Failed("no chart accepted")
    except oracle.HelmCLIError as e:
        expect(str(e) == "requires at least 1 arg(s), only received 0", str(e))


# --------------------------------------------------------------------------------------------
# compare.py catches what it must


@check
def compare_is_strict() -> None:
    with open(os.path.join(CORPUS, "charts-rendered", "redis.yaml")) as f:
        base = f.read()
    expect(compare.compare_streams(base, base).ok, "identical streams")
    mutations = {
        "image tag": base.replace("redis:8.2.1", "redis:8.2.2", 1),
        "dropped document": base.split("\n---\n", 1)[1],
        "int to string": base.replace("replicas: 1\n", 'replicas: "1"\n', 1),
        "source line": base.replace("# Source: redis/templates/", "# Source: redis/templatez/", 1),
        "password length": base.replace('redis-password: "', 'redis-password: "QQ', 1),
    }
    docs_ = base.split("\n---\n")
    mutations["swapped documents"] = "\n---\n".join([docs_[0], docs_[2], docs_[1], *docs_[3:]])
    for what, text in mutations.items():
        expect(text != base, f"mutation {what} did not apply")
        expect(not compare.compare_streams(base, text).ok, f"compare accepted a changed {what}")
    t = compare.tolerated
    expect(t("kBbd2QCupv", "BizmqK6GGt") == "random", "two randAlphaNum 10")
    expect(t("a0JiZDJRQ3Vwdg==", "Qml6bXFLNkdHdA==") == "base64(random)", "base64 of randAlphaNum")
    expect(t("ab" * 32, "cd" * 32) == "hex-digest", "sha256")
    expect(t("nginx:1.25.3-alpine", "nginx:1.25.4-alpine") is None, "a tag is not random")
    expect(t("docker.io/bitnami/redis", "quay.io/prometheus/redi") is None, "images are not random")
    expect(t("2026-12-01T10:00:00Z", "2026-12-02T11:31:07Z") is None, "timestamps are not random")
    expect(t("abcdefgh", "12345678") is None, "letters vs digits")
    expect(t("nginx:1.25", "redis:7.20") is None, "image references are not random")
    expect(t("postgres", "database") is None, "words are not random")
    expect(t("a0b1c2d3e4", "Zq81kLm0Pq") == "random", "random mixed alphanumerics")
    expect(t("1f0e8c6a-6f2b-4e61-9d4b-1a2b3c4d5e6f", "9b7d2e41-0c3a-4f88-a1b2-c3d4e5f60718") == "uuid", "uuid")
    expect(t("jenkins-ui-test-r9abh", "jenkins-ui-test-5q3yk", hook_name=True) == "name-suffix", "hook name")
    expect(t("jenkins-ui-test-r9abh", "jenkins-ui-test-5q3yk") is None, "suffix only for hook names")
    expect(t("release-name-redis", "release-name-mysql") is None, "not a random suffix outside hooks")
    expect(t("jenkins-ui-test-r9abh", "jenkins-ux-test-5q3yk", hook_name=True) is None, "prefix equal")


# --------------------------------------------------------------------------------------------
# batch mode


@check
def batch_mode() -> None:
    requests = [
        {"id": 1, "args": ["metrics-server", chart("metrics-server"), "-n", "kube-system"]},
        {"id": 2, "chart": chart("metrics-server"), "name": "metrics-server", "namespace": "kube-system", "repeat": 3},
        {"id": 3, "chart": chart("metrics-server"), "set": ["a.b"]},
        {"id": 4, "chart": "/nonexistent"},
        {"id": 5, "bogus": 1},
    ]
    p = subprocess.run(
        [sys.executable, os.path.join(HERE, "oracle.py"), "--batch"],
        input="".join(json.dumps(r) + "\n" for r in requests), capture_output=True, text=True, timeout=60,
    )
    expect(p.returncode == 0, f"batch exit {p.returncode}: {p.stderr}")
    answers = [json.loads(line) for line in p.stdout.splitlines()]
    expect([a.get("id") for a in answers] == [1, 2, 3, 4, 5], f"{[a.get('id') for a in answers]}")
    with open(os.path.join(CORPUS, "charts-rendered", "metrics-server.yaml")) as f:
        stored = f.read()
    expect(answers[0]["ok"] and answers[0]["output"] == stored, "batch output is the helm template output")
    expect(answers[1]["ok"] and answers[1]["output"] == stored and len(answers[1]["seconds_each"]) == 3,
           "repeat reports each run")
    expect(all(0 < s < 5 for s in answers[1]["seconds_each"]), f"{answers[1]['seconds_each']}")
    expect(answers[2] == {"ok": False, "error": 'failed parsing --set data: key "b" has no value', "id": 3}, f"{answers[2]}")
    expect(answers[3]["error"] == 'path "/nonexistent" not found', f"{answers[3]}")
    expect(not answers[4]["ok"] and answers[4].get("oracle_error"), f"{answers[4]}")
    p = subprocess.run([sys.executable, os.path.join(HERE, "oracle.py"), chart("metrics-server"), "--set", "a.b"],
                       capture_output=True, text=True, timeout=60)
    expect(p.returncode == 1 and p.stderr == 'Error: failed parsing --set data: key "b" has no value\n' and not p.stdout,
           f"CLI error: {p.returncode} {p.stderr!r}")


def default_corpus() -> str:
    env = os.environ.get("IMGSIFT_CORPUS")
    if env:
        return env
    repo = os.path.dirname(os.path.dirname(HERE))
    for candidate in (os.path.join(repo, "..", "shared", "corpus"), "/work/shared/corpus"):
        if os.path.isdir(os.path.join(candidate, "charts")):
            return os.path.abspath(candidate)
    return os.path.join(repo, "..", "shared", "corpus")


def main(argv: list[str]) -> int:
    global CORPUS, TMP
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=default_corpus())
    ap.add_argument("-k", default="", help="run only checks whose name contains this")
    args = ap.parse_args(argv)
    CORPUS = args.corpus
    failures = 0
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="helm-oracle-selftest-") as tmp:
        TMP = tmp
        for name, fn in CHECKS:
            if args.k not in name:
                continue
            t0 = time.perf_counter()
            try:
                fn()
                print(f"ok    {name} ({time.perf_counter() - t0:.1f} s)")
            except Failed as e:
                failures += 1
                print(f"FAIL  {name}: {e}")
            except Exception:  # noqa: BLE001 - a crash is a failure with its traceback
                failures += 1
                print(f"FAIL  {name}: crashed\n{traceback.format_exc()}")
    ran = sum(1 for n, _ in CHECKS if args.k in n)
    print(f"{ran - failures} passed, {failures} failed ({time.perf_counter() - t_all:.1f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
