#!/usr/bin/env python3
"""Real Helm as a test oracle: prints exactly what `helm template` (Helm v4.2.3) prints.

    oracle.py [NAME] CHART [helm template flags]     one render, like `helm template`
    oracle.py --batch [--repeat N]                   one JSON request per stdin line

Helm's Go code does the work through helm-python-sdk 0.2.2 (Helm v4.2.3's SDK behind a C ABI,
called with ctypes): chart loading, values coalescing, dependency conditions/tags/aliases/
import-values, schema validation, the template engine, the chart `kubeVersion` check and the
install-order sort all happen inside the SDK's client-only dry-run install, with the kube version
and API versions passed straight to the C library (the Python wrapper does not expose them).
What `helm template` does around that call and the SDK does not return is reproduced here,
ported line by line from Helm's source in gohelm.py: `-f` merging every document of a file,
`--set*` parsed into the merged values, hooks (taken from the SDK's raw render and sorted as
`SortManifests` does), `--include-crds`, `--skip-tests`, `--no-hooks`, `--show-only`, and the
CLI's error wording. See README.md for the request schema and the known limits.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import statistics
import sys
import tarfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gohelm  # noqa: E402

try:
    import helm_python as helm
    from helm_python import _native
except ImportError as exc:  # pragma: no cover - environment problem
    sys.stderr.write(
        f"oracle: cannot import helm_python ({exc}); run scripts/install-helm-sdk.sh and use "
        "the python it prints\n"
    )
    sys.exit(2)


class HelmCLIError(Exception):
    """An error `helm template` would print as "Error: <message>" and exit 1."""


class OracleError(Exception):
    """A request the oracle cannot answer (not a Helm error)."""


# --------------------------------------------------------------------------------------------
# Requests


def empty_request() -> dict[str, Any]:
    return {
        "chart": None,
        "name": None,
        "namespace": None,
        "values": [],
        "set": [],
        "set_string": [],
        "set_json": [],
        "set_file": [],
        "set_literal": [],
        "kube_version": None,
        "api_versions": [],
        "include_crds": False,
        "skip_tests": False,
        "no_hooks": False,
        "is_upgrade": False,
        "show_only": [],
        "repeat": 1,
        "cwd": None,
    }


REQUEST_KEYS = set(empty_request()) | {"args", "id"}
LIST_KEYS = {
    "values",
    "set",
    "set_string",
    "set_json",
    "set_file",
    "set_literal",
    "api_versions",
    "show_only",
}
BOOL_KEYS = {"include_crds", "skip_tests", "no_hooks", "is_upgrade"}


def _read_csv(val: str) -> list[str]:
    """pflag's readAsCSV, used by StringSlice flags (-f/--values, -a/--api-versions)."""
    if val == "":
        return []
    return next(csv.reader([val]))


# name -> (request key, kind); kind: "slice" (StringSlice: comma separated, appended),
# "array" (StringArray: appended as is), "string", "bool".
LONG_FLAGS: dict[str, tuple[str, str]] = {
    "name": ("name", "string"),
    "namespace": ("namespace", "string"),
    "values": ("values", "slice"),
    "set": ("set", "array"),
    "set-string": ("set_string", "array"),
    "set-json": ("set_json", "array"),
    "set-file": ("set_file", "array"),
    "set-literal": ("set_literal", "array"),
    "kube-version": ("kube_version", "string"),
    "api-versions": ("api_versions", "slice"),
    "include-crds": ("include_crds", "bool"),
    "skip-tests": ("skip_tests", "bool"),
    "no-hooks": ("no_hooks", "bool"),
    "is-upgrade": ("is_upgrade", "bool"),
    "show-only": ("show_only", "array"),
}
SHORT_FLAGS = {"n": "namespace", "f": "values", "a": "api-versions", "s": "show-only"}


def _parse_bool(text: str, flag: str) -> bool:
    """strconv.ParseBool, as pflag reports its failure."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise HelmCLIError(
        f'invalid argument "{text}" for "{flag}" flag: strconv.ParseBool: parsing '
        f'{gohelm.go_quote(text)}: invalid syntax'
    )


def parse_args(argv: list[str], req: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parse `helm template` arguments the way cobra/pflag do into a request."""
    req = req if req is not None else empty_request()
    positional: list[str] = []
    name_flag: str | None = None

    def apply(long: str, value: str | None, shown: str) -> None:
        nonlocal name_flag
        key, kind = LONG_FLAGS[long]
        if kind == "bool":
            req[key] = True if value is None else _parse_bool(value, shown)
            return
        assert value is not None
        if kind == "string":
            if key == "name":
                name_flag = value
            else:
                req[key] = value
        elif kind == "slice":
            req[key] = list(req[key]) + _read_csv(value)
        else:
            req[key] = list(req[key]) + [value]

    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            positional.extend(argv[i:])
            break
        if arg.startswith("--") and len(arg) > 2:
            body = arg[2:]
            long, eq, value = body.partition("=")
            if long not in LONG_FLAGS:
                raise HelmCLIError(f"unknown flag: --{long}")
            kind = LONG_FLAGS[long][1]
            if eq:
                apply(long, value, "--" + long)
            elif kind == "bool":
                apply(long, None, "--" + long)
            elif i < len(argv):
                apply(long, argv[i], "--" + long)
                i += 1
            else:
                raise HelmCLIError(f"flag needs an argument: --{long}")
            continue
        if arg.startswith("-") and len(arg) > 1:
            short = arg[1]
            if short not in SHORT_FLAGS:
                raise HelmCLIError(f"unknown shorthand flag: {short!r} in {arg}")
            long = SHORT_FLAGS[short]
            rest = arg[2:]
            if rest.startswith("="):
                apply(long, rest[1:], "-" + short + ", --" + long)
            elif rest:
                apply(long, rest, "-" + short + ", --" + long)
            elif i < len(argv):
                apply(long, argv[i], "-" + short + ", --" + long)
                i += 1
            else:
                raise HelmCLIError(f"flag needs an argument: {short!r} in -{short}")
            continue
        positional.append(arg)

    if not positional:
        raise HelmCLIError("requires at least 1 arg(s), only received 0")
    if len(positional) >= 2:
        req["name"], req["chart"] = positional[0], positional[1]
        if len(positional) > 2:
            # NameAndChart fails after the kube version is parsed: keep Helm's order.
            req["_too_many"] = positional[2:]
    else:
        req["chart"] = positional[0]
        if name_flag is not None:  # --name: the oracle's spelling of the positional NAME
            req["name"] = name_flag
    return req


def normalize_request(raw: dict[str, Any]) -> dict[str, Any]:
    """A batch request: "args" (helm template argv) and/or the structured fields."""
    unknown = set(raw) - REQUEST_KEYS
    if unknown:
        raise OracleError(f"unknown request keys: {sorted(unknown)}")
    req = empty_request()
    for k, v in raw.items():
        if k in ("args", "id"):
            continue
        if k in LIST_KEYS:
            if isinstance(v, str):
                v = [v]
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise OracleError(f"request key {k!r} must be a list of strings")
            if k == "api_versions":
                v = [p for x in v for p in _read_csv(x)]
        elif k in BOOL_KEYS and not isinstance(v, bool):
            raise OracleError(f"request key {k!r} must be a boolean")
        req[k] = v
    if "args" in raw:
        parse_args(list(raw["args"]), req)
    if not req["chart"]:
        raise OracleError('request has no "chart" (or "args")')
    return req


# --------------------------------------------------------------------------------------------
# Native calls (helm_c.h), timed


class Timer:
    def __init__(self) -> None:
        self.parts: dict[str, float] = {}

    def add(self, key: str, seconds: float) -> None:
        self.parts[key] = self.parts.get(key, 0.0) + seconds


def _call(timer: Timer, key: str, func: str, *args: Any) -> str:
    t0 = time.perf_counter()
    try:
        return _native.call_string(func, *args)
    finally:
        timer.add(key, time.perf_counter() - t0)


def load_chart(path: str, timer: Timer, key: str = "load") -> helm.Chart:
    t0 = time.perf_counter()
    try:
        return helm.Chart.load(path)
    finally:
        timer.add(key, time.perf_counter() - t0)


_TINY_CHART: bytes | None = None


def _tiny_chart_archive() -> bytes:
    global _TINY_CHART
    if _TINY_CHART is None:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            for name, data in (
                ("tiny/Chart.yaml", b"apiVersion: v2\nname: tiny\nversion: 0.1.0\n"),
                ("tiny/templates/x.yaml", b"{{ .Capabilities.KubeVersion.Version }}\n"),
            ):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        _TINY_CHART = buf.getvalue()
    return _TINY_CHART


def check_kube_version(version: str) -> None:
    """common.ParseKubeVersion, by Helm itself: render a tiny chart with that version."""
    chart = helm.Chart.load_archive(_tiny_chart_archive())
    try:
        _native.call_string(
            "helm_render", chart._raw(), None, json.dumps({"kube_version": version})
        )
    except helm.HelmInvalidArgError as e:
        raise HelmCLIError(f"invalid kube version '{version}': {e}") from None
    finally:
        chart.close()


def values_from_yaml(doc: str) -> dict:
    """sigs.k8s.io/yaml.Unmarshal of one document into a map, by Helm's own code."""
    out = _native.call_string("helm_values_from_yaml", doc)
    return gohelm.json_to_go(out)


# --------------------------------------------------------------------------------------------
# Values: pkg/cli/values/options.go MergeValues


def _go_path_error(op: str, path: str, err: OSError) -> str:
    names = {
        2: "no such file or directory",
        13: "permission denied",
        20: "not a directory",
        21: "is a directory",
        36: "file name too long",
        40: "too many levels of symbolic links",
    }
    text = names.get(err.errno or 0, (err.strerror or str(err)).lower())
    return f"{op} {path}: {text}"


BATCH_MODE = False


def read_file(path: str, cwd: str) -> str:
    """values.readFile for local files and "-" (stdin)."""
    if path.strip() == "-":
        if BATCH_MODE:
            raise OracleError('"-" (stdin) cannot be read in batch mode: stdin holds the requests')
        return sys.stdin.buffer.read().decode("utf-8", "replace")
    if "://" in path:
        raise OracleError(f"remote values files are not supported by the oracle: {path}")
    full = path if os.path.isabs(path) else os.path.join(cwd, path)
    try:
        fd = os.open(full, os.O_RDONLY)
    except OSError as e:
        raise HelmCLIError(_go_path_error("open", path, e)) from None
    try:
        chunks = []
        while True:
            try:
                b = os.read(fd, 1 << 20)
            except OSError as e:
                raise HelmCLIError(_go_path_error("read", path, e)) from None
            if not b:
                break
            chunks.append(b)
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def has_int64(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    if isinstance(v, dict):
        return any(has_int64(x) for x in v.values())
    if isinstance(v, list):
        return any(has_int64(x) for x in v)
    return False


def merge_values(req: dict[str, Any], cwd: str, timer: Timer) -> dict:
    base: dict = {}
    for fp in req["values"]:
        raw = read_file(fp, cwd)
        try:
            docs = gohelm.split_yaml_documents(raw)
        except gohelm.YAMLSyntaxError as e:
            raise HelmCLIError(f"failed to parse {fp}: error reading yaml document: {e}") from None
        current: dict = {}
        for doc in docs:
            t0 = time.perf_counter()
            try:
                m = values_from_yaml(doc)
            except helm.HelmError as e:
                msg = str(e).replace("common.Values", "map[string]interface {}")
                raise HelmCLIError(
                    f"failed to parse {fp}: cannot unmarshal yaml document: {msg}"
                ) from None
            finally:
                timer.add("values", time.perf_counter() - t0)
            current = gohelm.merge_maps(current, m or {})
        base = gohelm.merge_maps(base, current)

    for value in req["set_json"]:
        trimmed = gohelm.go_trim_space(value)
        if trimmed and trimmed[0] == "{":
            try:
                m = gohelm.go_json_loads(trimmed)
                if not isinstance(m, dict):
                    raise gohelm.GoJSONError("not an object")
            except gohelm.GoJSONError:
                raise HelmCLIError(f"failed parsing --set-json data JSON: {value}") from None
            base = gohelm.merge_maps(base, m)
        else:
            try:
                gohelm.parse_into(value, base, "json")
            except gohelm.StrvalsError:
                raise HelmCLIError(f"failed parsing --set-json data {value}") from None

    for flag, key, mode in (
        ("--set", "set", "typed"),
        ("--set-string", "set_string", "string"),
    ):
        for value in req[key]:
            try:
                gohelm.parse_into(value, base, mode)
            except gohelm.StrvalsError as e:
                raise HelmCLIError(f"failed parsing {flag} data: {e}") from None

    def file_reader(rs: str) -> str:
        try:
            return read_file(rs, cwd)
        except HelmCLIError as e:
            raise gohelm.StrvalsError(str(e)) from None

    for value in req["set_file"]:
        try:
            gohelm.parse_into(value, base, "file", file_reader)
        except gohelm.StrvalsError as e:
            raise HelmCLIError(f"failed parsing --set-file data: {e}") from None

    for value in req["set_literal"]:
        try:
            gohelm.parse_into(value, base, "literal")
        except gohelm.StrvalsError as e:
            raise HelmCLIError(f"failed parsing --set-literal data: {e}") from None
    return base


def values_json(values: dict) -> str:
    # Python floats print the shortest round-trip digits, so Go reads back the same float64.
    return json.dumps(values, ensure_ascii=True, allow_nan=False)


# --------------------------------------------------------------------------------------------
# Chart location (action.ChartPathOptions.LocateChart, local paths only)


def locate_chart(name: str, cwd: str) -> str:
    name = name.strip()
    full = name if os.path.isabs(name) else os.path.join(cwd, name)
    if os.path.exists(full):
        return os.path.abspath(full)
    if os.path.isabs(name) or name.startswith("."):
        raise HelmCLIError(f'path "{name}" not found')
    if "/" not in name:
        raise HelmCLIError(
            f"non-absolute URLs should be in form of repo_name/path_to_chart, got: {name}"
        )
    raise HelmCLIError(f"repo {name.split('/', 1)[0]} not found")


# --------------------------------------------------------------------------------------------
# Manifest heads (releaseutil.SimpleHead) parsed by Helm's YAML code


def parse_head(doc: str, path: str) -> dict:
    try:
        d = _native.call_string("helm_values_from_yaml", doc)
    except helm.HelmError as e:
        msg = str(e).replace("common.Values", "util.SimpleHead")
        raise gohelm.ManifestParseError(f"YAML parse error on {path}: {msg}") from None
    obj = json.loads(d)

    def field_error(jtype: str, field: str) -> gohelm.ManifestParseError:
        return gohelm.ManifestParseError(
            f"YAML parse error on {path}: error unmarshaling JSON: while decoding JSON: json: "
            f"cannot unmarshal {jtype} into Go struct field {field} of type string"
        )

    def jtype(v: Any) -> str:
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, (int, float)):
            return "number"
        if isinstance(v, dict):
            return "object"
        if isinstance(v, list):
            return "array"
        return "string"

    kind = obj.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise field_error(jtype(kind), "SimpleHead.kind")
    head: dict[str, Any] = {"kind": kind or "", "name": "", "annotations": None}
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        name = meta.get("name")
        if name is not None and not isinstance(name, str):
            raise field_error(jtype(name), "SimpleHead.metadata.name")
        head["name"] = name or ""
        ann = meta.get("annotations")
        if ann is not None:
            if not isinstance(ann, dict):
                raise gohelm.ManifestParseError(
                    f"YAML parse error on {path}: error unmarshaling JSON: while decoding JSON: "
                    f"json: cannot unmarshal {jtype(ann)} into Go struct field "
                    "SimpleHead.metadata.annotations of type map[string]string"
                )
            for k, v in ann.items():
                if v is not None and not isinstance(v, str):
                    raise field_error(jtype(v), f"SimpleHead.metadata.annotations.{k}")
            head["annotations"] = {k: (v or "") for k, v in ann.items()}
    elif meta is not None:
        raise gohelm.ManifestParseError(
            f"YAML parse error on {path}: error unmarshaling JSON: while decoding JSON: json: "
            f"cannot unmarshal {jtype(meta)} into Go struct field SimpleHead.metadata of type "
            "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string "
            "\"json:\\\"annotations\\\"\" }"
        )
    return head


# --------------------------------------------------------------------------------------------
# One render


RENDER_ERROR_HINT = "\n\nUse --debug flag to render out invalid YAML"
DEPS_SDK_PREFIX = "chart dependencies are missing; run dependency update/build first: "
DEPS_CLI_PREFIX = (
    "an error occurred while checking for chart dependencies. You may need to run "
    "'helm dependency build' to fetch missing dependencies: "
)
# Install errors that do not depend on .Release.IsInstall/IsUpgrade: reported as they are even
# for --is-upgrade (whose output comes from the SDK's raw render, which checks none of these).
INSTALL_ONLY_ERRORS = (
    "release name check failed",
    DEPS_SDK_PREFIX,
    "chart requires kubeVersion",
    "values don't meet the specifications",
    "chart dependencies processing failed",
)


def render_opts(req: dict[str, Any], name: str, namespace: str) -> dict[str, Any]:
    opts: dict[str, Any] = {"name": name, "namespace": namespace}
    if req["kube_version"]:
        opts["kube_version"] = req["kube_version"]
    if req["api_versions"]:
        opts["api_versions"] = list(req["api_versions"])
    return opts


def raw_render(
    chart_path: str, values: str, opts: dict[str, Any], timer: Timer, key: str
) -> tuple[dict[str, str], helm.Chart]:
    """helm_render: engine output per template file (dependencies processed, no sorting)."""
    chart = load_chart(chart_path, timer, key + "_load")
    out = _call(timer, key, "helm_render", chart._raw(), values, json.dumps(opts))
    return json.loads(out), chart


def crd_block(chart: helm.Chart, timer: Timer) -> str:
    """renderResources' --include-crds part: ch.CRDObjects() of the processed chart."""
    t0 = time.perf_counter()
    crds = chart.crds
    timer.add("crds", time.perf_counter() - t0)
    return "".join(f"---\n# Source: {c['filename']}\n{c['data']}\n" for c in crds)


def render_once(req: dict[str, Any]) -> tuple[str, Timer, list[str]]:
    timer = Timer()
    warnings: list[str] = []
    cwd = req.get("cwd") or os.getcwd()

    if req["kube_version"]:
        check_kube_version(req["kube_version"])
    if req.get("_too_many"):
        raise HelmCLIError(
            "expected at most two arguments, unexpected arguments: " + ", ".join(req["_too_many"])
        )
    name = req["name"] if req["name"] is not None else "release-name"
    namespace = req["namespace"] or "default"
    chart_path = locate_chart(req["chart"], cwd)
    values = merge_values(req, cwd, timer)
    if has_int64(values):
        warnings.append(
            "--set gave integer values: helm template passes them to templates as int64, the "
            "SDK's JSON interface as float64 (they print alike below 1e6, but `eq`/`lt` with "
            "template integers and %d behave differently)"
        )
    vjson = values_json(values)

    # install dry-run: what `helm template` runs (action.Install with DryRunStrategy=client).
    try:
        chart = load_chart(chart_path, timer)
    except helm.HelmError as e:  # loader.Load's error, as runInstall returns it
        raise HelmCLIError(str(e)) from None
    try:
        meta = chart.metadata
        ctype = meta.get("type") or ""
        if ctype not in ("", "application"):
            raise HelmCLIError(f"{ctype} charts are not installable")
        cfg = helm.Config(namespace=namespace)
        opts = {"dry_run": "client", "namespace": namespace, "replace": True}
        if req["kube_version"]:
            opts["kube_version"] = req["kube_version"]
        if req["api_versions"]:
            opts["api_versions"] = list(req["api_versions"])
        install_error: str | None = None
        manifest = ""
        try:
            rel = json.loads(
                _call(
                    timer,
                    "install",
                    "helm_install",
                    cfg._raw(),
                    _native.HANDLE(0),
                    chart._raw(),
                    None,
                    name,
                    vjson,
                    json.dumps(opts),
                )
            )
            manifest = rel.get("manifest", "")
        except helm.HelmError as e:
            install_error = str(e)
        finally:
            cfg.close()

        if install_error is not None:
            if install_error.startswith(DEPS_SDK_PREFIX):
                raise HelmCLIError(DEPS_CLI_PREFIX + install_error[len(DEPS_SDK_PREFIX) :])
            if not req["is_upgrade"] or install_error.startswith(INSTALL_ONLY_ERRORS):
                raise HelmCLIError(install_error + render_error_hint(install_error, chart_path, vjson, req, name, namespace))

        ropts = render_opts(req, name, namespace)
        if req["is_upgrade"]:
            # helm template --is-upgrade: .Release.IsUpgrade, which the SDK's install cannot
            # set; render raw and sort as renderResources does.
            ropts["is_upgrade"] = True
            try:
                files, rchart = raw_render(chart_path, vjson, ropts, timer, "upgrade_render")
            except helm.HelmError as e:
                msg = str(e)
                hint = RENDER_ERROR_HINT if isinstance(e, helm.HelmRenderError) else ""
                raise HelmCLIError(msg + hint) from None
            try:
                files = {k: v for k, v in files.items() if not k.endswith("NOTES.txt")}
                try:
                    hooks, generic = gohelm.sort_manifests(files, parse_head)
                except gohelm.ManifestParseError as e:
                    raise HelmCLIError(str(e) + RENDER_ERROR_HINT) from None
                body = "".join(f"---\n# Source: {m.name}\n{m.content}\n" for m in generic)
                crds = crd_block(rchart, timer) if req["include_crds"] else ""
            finally:
                rchart.close()
            full_manifest = crds + body
        else:
            crds = crd_block(chart, timer) if req["include_crds"] else ""
            full_manifest = crds + manifest
            hooks = []
            if not req["no_hooks"]:
                try:
                    files, rchart = raw_render(chart_path, vjson, ropts, timer, "hooks_render")
                    rchart.close()
                except helm.HelmError as e:  # the install rendered; a second render should too
                    raise OracleError(f"raw render for hooks failed after install passed: {e}")
                files = {k: v for k, v in files.items() if not k.endswith("NOTES.txt")}
                try:
                    hooks, _ = gohelm.sort_manifests(files, parse_head, hooks_only=True)
                except gohelm.ManifestParseError as e:
                    raise OracleError(f"hooks of the raw render do not parse: {e}")
    finally:
        chart.close()

    # pkg/cmd/template.go
    out = [gohelm.go_trim_space(full_manifest), "\n"]
    if not req["no_hooks"]:
        for h in hooks:
            if req["skip_tests"] and "test" in h.events:
                continue
            out.append(f"---\n# Source: {h.path}\n{h.manifest}\n")
    text = "".join(out)
    if req["show_only"]:
        text = show_only(text, req["show_only"])
    return text, timer, warnings


def render_error_hint(
    msg: str, chart_path: str, vjson: str, req: dict[str, Any], name: str, namespace: str
) -> str:
    """helm template adds the --debug hint when the install returned a release with the error,
    i.e. for errors of renderResources: the chart's kubeVersion check, the template engine, and
    the manifest sorter's YAML parsing."""
    if msg.startswith(("chart requires kubeVersion", "YAML parse error on ")):
        return RENDER_ERROR_HINT
    if msg.startswith(INSTALL_ONLY_ERRORS):
        return ""
    # An engine error? The raw render fails with RENDER and the same text if so.
    try:
        files, rchart = raw_render(chart_path, vjson, render_opts(req, name, namespace), Timer(), "x")
        rchart.close()
    except helm.HelmRenderError as e:
        return RENDER_ERROR_HINT if str(e) == msg else ""
    except helm.HelmError:
        return ""
    return ""


def show_only(text: str, patterns: list[str]) -> str:
    """template.go --show-only: split the whole output, keep the documents whose Source path
    (after the chart name) matches a filepath.Match pattern, in pattern order."""
    manifests = gohelm.split_manifests(text)
    name_re = re.compile(r"# Source: [^/]+/(.+)")  # the same regexp, same semantics
    picked: list[str] = []
    for f in patterns:
        f = f.replace(os.sep, "/")
        missing = True
        for m in manifests:
            sm = name_re.search(m)
            if not sm:
                continue
            try:
                matched = gohelm.go_filepath_match(f, sm.group(1))
            except gohelm.BadPattern:
                matched = False
            if not matched:
                continue
            picked.append(m)
            missing = False
        if missing:
            raise HelmCLIError(f"could not find template {f} in chart")
    return "".join(f"---\n{m}\n" for m in picked)


def seconds_of(timer: Timer) -> float:
    """Helm's in-process time for what `helm template` itself runs: loading the chart, reading
    the -f files and the install dry-run (engine render and sort included)."""
    p = timer.parts
    return p.get("load", 0.0) + p.get("values", 0.0) + p.get("install", 0.0)


def handle(req: dict[str, Any]) -> dict[str, Any]:
    """One request -> one batch answer."""
    repeat = int(req.get("repeat") or 1)
    if repeat < 1:
        raise OracleError("repeat must be >= 1")
    runs: list[Timer] = []
    output = ""
    warnings: list[str] = []
    for _ in range(repeat):
        output, timer, warnings = render_once(req)
        runs.append(timer)
    each = [seconds_of(t) for t in runs]
    answer: dict[str, Any] = {
        "ok": True,
        "output": output,
        "seconds": statistics.median(each),
        "seconds_each": each,
        "timings": {k: round(v, 6) for k, v in runs[0].parts.items()},
        "all_helm_seconds_each": [sum(t.parts.values()) for t in runs],
    }
    if warnings:
        answer["warnings"] = warnings
    return answer


# --------------------------------------------------------------------------------------------
# Entry points


def batch(default_repeat: int) -> int:
    global BATCH_MODE
    BATCH_MODE = True
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        rid = None
        try:
            raw = json.loads(line)
            if not isinstance(raw, dict):
                raise OracleError("a request must be a JSON object")
            rid = raw.get("id")
            if "repeat" not in raw and default_repeat != 1:
                raw = dict(raw, repeat=default_repeat)
            answer = handle(normalize_request(raw))
        except HelmCLIError as e:
            answer = {"ok": False, "error": str(e)}
        except (OracleError, json.JSONDecodeError) as e:
            answer = {"ok": False, "error": f"oracle: {e}", "oracle_error": True}
        except Exception as e:  # noqa: BLE001 - keep serving the other requests
            answer = {
                "ok": False,
                "error": f"oracle: internal error: {type(e).__name__}: {e}",
                "oracle_error": True,
            }
        if rid is not None:
            answer["id"] = rid
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--batch"] or "--batch" in argv[:3]:
        rest = [a for a in argv if a != "--batch"]
        repeat = 1
        if rest[:1] == ["--repeat"] and len(rest) > 1:
            repeat = int(rest[1])
        elif rest:
            sys.stderr.write("usage: oracle.py --batch [--repeat N]\n")
            return 2
        return batch(repeat)
    repeat = 1
    if argv[:1] == ["--repeat"] and len(argv) > 1:
        repeat = int(argv[1])
        argv = argv[2:]
    try:
        req = parse_args(argv)
        req["repeat"] = repeat
        answer = handle(req)
    except HelmCLIError as e:
        sys.stderr.write(f"Error: {e}\n")
        return 1
    except OracleError as e:
        sys.stderr.write(f"oracle: {e}\n")
        return 2
    for w in answer.get("warnings", []):
        sys.stderr.write(f"oracle: warning: {w}\n")
    if repeat > 1:
        sys.stderr.write(
            "oracle: seconds each: " + " ".join(f"{s:.4f}" for s in answer["seconds_each"]) + "\n"
        )
    sys.stdout.write(answer["output"])
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
