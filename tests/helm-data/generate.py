#!/usr/bin/env python3
"""Records what real Helm makes of YAML, JSON and TOML data: tests/helm-data/cases.json.

Throwaway charts are rendered by Helm v4's Go SDK (tests/helm-oracle/oracle.py --batch):

- "values": one chart per values.yaml text; the template prints `toJson`, `toYaml` and
  `toYamlPretty` of `.Values` (or Helm's error loading the chart).
- "string": texts given to `fromYaml`, `fromYamlArray`, `fromJson`, `fromJsonArray`,
  `fromToml` (results printed with `toJson`, and `fromYaml` also with `toYaml`).
- "data": values written as YAML flow text (read back with `fromYamlArray`, so that Helm's
  coalescing of `.Values` does not drop null keys), printed with `toJson`, `toYaml`,
  `toYamlPretty` and, one chart each, `toToml` (which can fail the template).
- "template": expressions run by Helm's engine (Go ints from literals, typed slices, what
  results print as, the `must` forms failing the template).
- "corpus": every values.yaml of the corpus charts and their subcharts (read from
  ../shared/corpus, never copied): only the SHA-256 of Helm's `toJson .Values`, `toYaml
  .Values` and `fromYaml` of the same text (read through `.Files`) is recorded.

Every output is printed base64-encoded in a comment line, so that nothing in it can disturb
Helm's manifest splitting. Each string given through values is echoed back and checked, so a
case whose text did not survive the values file is refused here instead of recorded wrong.

    target/helm-sdk-venv/bin/python tests/helm-data/generate.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORACLE = ROOT / "tests" / "helm-oracle" / "oracle.py"
OUT = ROOT / "tests" / "helm-data" / "cases.json"


# ----------------------------------------------------------------------------------------------
# YAML text for the values files


def readable(c: str) -> bool:
    """libyaml's reader accepts the character raw inside a double-quoted scalar."""
    u = ord(c)
    if u in (0x85, 0x2028, 0x2029, 0xFEFF):
        return False  # line breaks (and the BOM) would be folded or dropped
    return 0x20 <= u <= 0x7E or 0xA0 <= u <= 0xD7FF or 0xE000 <= u <= 0xFFFD or u >= 0x10000


def yaml_quote(s: str) -> str:
    out = ['"']
    for c in s:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif readable(c):
            out.append(c)
        elif ord(c) <= 0xFFFF:
            out.append("\\u%04X" % ord(c))
        else:
            out.append("\\U%08X" % ord(c))
    out.append('"')
    return "".join(out)


def yaml_flow(v) -> str:
    """A value as YAML flow text that go-yaml reads back as exactly that value."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)
    if isinstance(v, str):
        return yaml_quote(v)
    if isinstance(v, list):
        return "[" + ", ".join(yaml_flow(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(yaml_quote(k) + ": " + yaml_flow(x) for k, x in v.items()) + "}"
    raise TypeError(type(v))


# ----------------------------------------------------------------------------------------------
# Cases


def values_cases() -> list[tuple[str, str]]:
    return [
        ("multi-doc", "a: 1\n---\nb: 2\n"),
        ("multi-doc-merge", "a: {x: 1, y: [1]}\n---\na: {y: [2], z: 3}\n"),
        ("multi-doc-null", "a:\n  b: 1\n---\na: null\n"),
        ("multi-doc-leading", "---\n---\na: 1\n"),
        ("separator-comment", "a: 1\n--- # next\nb: 2\n"),
        ("separator-space", "a: 1\n---   \nb: 2\n"),
        ("separator-bad", "a: 1\n---x\nb: 2\n"),
        ("separator-bad-scalar", "a: 1\n--- |\n  x\n"),
        ("crlf", "a: 1\r\n---\r\nb: 2\r\n"),
        ("doc-end", "a: 1\n...\nb: 2\n"),
        ("root-list", "- a\n- b\n"),
        ("root-string", "hello\n"),
        ("second-doc-list", "a: 1\n---\n- x\n"),
        ("empty", ""),
        ("comments", "# only a comment\n"),
        ("inf", "a: .inf\n"),
        ("null-key", "~: 1\n"),
        ("syntax", "a: [1,\n"),
        ("syntax-line3", "a: 1\nb: 2\nc: d: e\n"),
        ("no-newline", "a: 1"),
        ("doc-only-separators", "---\n"),
        ("second-doc-empty", "a: 1\n---\n"),
        ("typical", "image:\n  repository: nginx\n  tag: \"1.25\"\nreplicas: 3\nenabled: yes\n"
                    "resources: {}\ntolerations: []\nannotations:\n  a.b/c: \"true\"\n"),
    ]


SCALARS = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
    "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "yEs", "oN", "tRUE",
    "~", "null", "Null", "NULL", "nULL", "", "0x1F", "0X1F", "-0x1F", "0x", "0o17", "0O17",
    "010", "08", "09.5", "0b101", "-0b101", "0B101", "1_000", "1__0", "_1", "1_000.5",
    "1e3", "1E3", "1e+3", "1e-3", "1.5e3", ".5", "-.5", "+.5", "1.", "-1.", "+1", "-0",
    "+0", "0", "00", "1.10", "3.0", ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN",
    ".NAN", "inf", "nan", "Infinity", "1e400", "-1e400", "1e-400", "9007199254740993",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "123456789012345678901234567890", "0x7FFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFF",
    "0x10000000000000000", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14T21:59:43.10Z", "2001-12-14 21:59:43.10", "2001-12-14 21:59:43.10 -5",
    "2001-02-30", "2001-1-2", "12:30", "1:20:30", "190:20:30.15", "<<", "=", "1.2.3",
    "v1.0", "0.1.0", "1e", "e3", "0x1p3", "1,000", "$1", "+", "-", ".", "..", "0.", "-.",
    "'quoted'", "\"double\"", "a b", "a: b c", "a #c", "a#c", "http://x:80/y",
]

KEYS = [
    "true", "false", "yes", "no", "y", "n", "on", "off", "1", "-1", "0x10", "010", "1.5",
    "0.1", "1.0", "3.14159265358979", "1e10", "1e7", "123456789", "1234567.0", "1e-5",
    ".inf", "-.inf", ".nan", "~", "null", "", "18446744073709551615",
    "9223372036854775808", "2001-12-14", "<<", "'<<'", "!!str 1", "[1, 2]", "{a: 1}",
    "'1'", "\"true\"", "12:30", "1_0",
]


def string_cases() -> list[tuple[str, str, list[str]]]:
    """(name, text, kinds); kinds among FY FYA FYY FJ FJA FT."""
    y = ["FY", "FYA", "FYY"]
    out: list[tuple[str, str, list[str]]] = []
    for i, s in enumerate(SCALARS):
        out.append((f"scalar-{i:03}", f"x: {s}\n", y))
        out.append((f"item-{i:03}", f"- {s}\n", ["FYA"]))
    for i, k in enumerate(KEYS):
        out.append((f"key-{i:03}", f"{k}: v\n", y))
    more = {
        # Anchors, aliases, merge keys.
        "alias": "a: &x {b: 1}\nc: *x\n",
        "alias-scalar": "a: &x hello\nb: *x\n",
        "alias-key": "a: &k key\n*k : v\n",
        "merge": "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n",
        "merge-before": "base: &b {x: 1, y: 2}\nc:\n  y: 3\n  <<: *b\n",
        "merge-seq": "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n",
        "merge-inline": "c:\n  <<: {x: 1}\n  y: 2\n",
        "merge-nested": "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n",
        "merge-scalar": "a: &a 1\nc:\n  <<: *a\n",
        "merge-null": "c:\n  <<: ~\n",
        "merge-seq-alias": "a: &a [{x: 1}]\nc:\n  <<: *a\n",
        "merge-seq-bad": "c:\n  <<: [1]\n",
        "merge-quoted": "c:\n  '<<': {x: 1}\n",
        "merge-twice": "a: &a {x: 1}\nb: &b {x: 2}\nc:\n  <<: *a\n  <<: *b\n",
        "merge-tagged": "c:\n  !!merge <<: {x: 1}\n",
        "merge-str-tag": "c:\n  !!str <<: {x: 1}\n",
        "unknown-alias": "a: *nope\n",
        "anchor-redefined": "a: &x 1\nb: &x 2\nc: *x\n",
        "recursive-alias": "a: &a [*a]\n",
        "duplicate": "a: 1\na: 2\n",
        "duplicate-map": "a: {x: 1}\na: {y: 2}\n",
        # Tags.
        "tag-str": "x: !!str 1\n",
        "tag-str-bool": "x: !!str yes\n",
        "tag-int-quoted": "x: !!int \"12\"\n",
        "tag-int-hex": "x: !!int '0x1F'\n",
        "tag-float-int": "x: !!float 1\n",
        "tag-float-uint": "x: !!float 18446744073709551615\n",
        "tag-int-float": "x: !!int 1.5\n",
        "tag-int-str": "x: !!int abc\n",
        "tag-bool": "x: !!bool \"yes\"\n",
        "tag-bool-bad": "x: !!bool 1\n",
        "tag-null": "x: !!null ''\n",
        "tag-null-bad": "x: !!null foo\n",
        "tag-timestamp": "x: !!timestamp 2001-12-14\n",
        "tag-timestamp-bad": "x: !!timestamp foo\n",
        "tag-binary": "x: !!binary aGVsbG8=\n",
        "tag-binary-invalid-utf8": "x: !!binary /w==\n",
        "tag-binary-bad": "x: !!binary '###'\n",
        "tag-binary-block": "x: !!binary |\n  aGVs\n  bG8=\n",
        "tag-local": "x: !foo 12\n",
        "tag-local-bool": "x: !foo true\n",
        "tag-bang": "x: ! 12\n",
        "tag-verbatim": "x: !<tag:yaml.org,2002:str> 12\n",
        "tag-map": "x: !!map {a: 1}\n",
        "tag-seq": "x: !!seq [1]\n",
        "tag-set": "x: !!set {a, b}\n",
        "tag-omap": "x: !!omap [a: 1, b: 2]\n",
        "tag-key": "!!str 1: a\n!!int '2': b\n",
        "tag-directive": "%TAG !e! tag:example.com,2000:\n---\nx: !e!foo 1\n",
        # Documents and roots.
        "multi": "a: 1\n---\nb: 2\n",
        "multi-leading": "---\na: 1\n",
        "doc-end": "a: 1\n...\nb: 2\n",
        "multi-error-later": "a: 1\n---\n[\n",
        "multi-error-later2": "a: 1\n---\nb: c: d\n",
        "root-list": "- a\n- b\n",
        "root-string": "hello",
        "root-number": "1",
        "root-bool": "true",
        "root-null": "~",
        "root-empty-list": "[]",
        "root-empty-map": "{}",
        "empty": "",
        "spaces": "   \n",
        "comment": "# comment\n",
        "directive": "%YAML 1.1\n---\na: 1\n",
        "bom": "\ufeffa: 1\n",
        # Syntax errors.
        "err-mapping-values": "a: b: c\n",
        "err-mapping-values-line2": "x: 1\na: b: c\n",
        "err-indent": "a:\n  - b\n c: 1\n",
        "err-flow-seq": "[1, 2\n",
        "err-flow-map": "{a: 1\n",
        "err-single": "a: 'unterminated\n",
        "err-double": "a: \"x\n",
        "err-tab": "\ta: 1\n",
        "err-tab-seq": "a:\n\t- b\n",
        "err-extra-bracket": "key: [a, b]]\n",
        "err-seq-then-map": "- a\nb: c\n",
        "err-at": "@foo\n",
        "err-backquote": "`x\n",
        "err-more-indented": "a: b\n  c: d\n",
        "err-seq-indent": "a:\n- b\n  - c\n",
        "err-block-indent": "a: |\n  x\n y\n",
        "err-anchor-only": "a: &\n",
        "err-colon-key": "a:\n  b\n  c: d\n",
        "err-flow-colon": "{a: b: c}\n",
        "err-dash": "a:\n  - b\n  -c: d\n  e\n",
        "err-line5": "a: 1\nb: 2\nc: 3\nd: 4\ne: [\n",
        "err-quote-after": "a: 'x' y\n",
        "err-unclosed-flow-deep": "a:\n  b: {c: [1, 2}\n",
        "err-key-too-long": "x" * 1100 + ": 1\n",
        "err-ctrl": "a: \x07\n",
        "err-del": "a: \x7f\n",
        "err-c1": "a: \x80\n",
        "err-tab-value": "a: \tb\n",
        # Plain scalars and block scalars.
        "plain-colon": "a: b:c\n",
        "plain-hash": "a: b #c\n",
        "plain-hash2": "a: b#c\n",
        "plain-multiline": "a: b\n  c\n  d\n",
        "literal": "a: |\n  x\n  y\n",
        "literal-strip": "a: |-\n  x\n  y\n",
        "literal-keep": "a: |+\n  x\n\n\n",
        "literal-indent": "a: |2\n   x\n  y\n",
        "folded": "a: >\n  x\n  y\n\n  z\n",
        "folded-strip": "a: >-\n  x\n  y\n",
        "folded-more": "a: >\n  x\n    y\n  z\n",
        "double-escapes": "a: \"\\t\\n\\\\\\\"\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\0\\a\\e\"\n",
        "double-fold": "a: \"x\n  y\n\n  z\"\n",
        "single-escape": "a: 'it''s'\n",
        "unicode": "a: héllo wörld 😀 日本\n",
        "flow": "a: [1, 2, {b: c}, [d]]\nb: {x: 1, y: [2, 3]}\n",
        "complex-key": "? a\n: b\n",
        "complex-key-map": "? {a: 1}\n: b\n",
        "long-key": "k" * 1000 + ": 1\n",
        "nested": "a:\n  b:\n    c:\n      d: [1, {e: f}]\n",
        "list-of-maps": "- a: 1\n  b: 2\n- c: 3\n",
        "empty-values": "a:\nb: ''\nc: []\nd: {}\ne: ~\n",
        "nested-seq": "- - - a\n",
        "deep": "a: " + "[" * 200 + "]" * 200 + "\n",
        "windows": "a: 1\r\nb: |\r\n  x\r\n  y\r\n",
        "indent-seq": "a:\n  - 1\n  - 2\n",
        "key-with-space": "a b: 1\n'c d': 2\n",
        "tab-after-colon": "a:\tb\n",
        "tab-trailing": "a: b\t\n",
        "tab-before-comment": "a: b\t# c\n",
        "tab-after-dash": "- \ta\n",
        "tab-in-flow": "a: [1,\t2]\n",
        "tab-block-content": "a: |\n  x\n  \ty\n",
        "tab-block-start": "a: |\n\tx\n",
        "tab-line-comment": "a: 1\n\t# c\nb: 2\n",
        "tab-in-plain": "a: b\tc\n",
        "tab-double-quoted": "a: \"x\n\ty\"\n",
        "tab-single-quoted": "a: 'x\n\ty'\n",
        "tab-plain-continuation": "a: b\n\tc\n",
        "tab-two-after-colon": "a:\t\tb\n",
        "tab-flow-colon": "{a:\tb}\n",
        "tab-dash-colon": "- a:\tb\n",
        "tab-block-line": "a: |\n  x\n\ty\n",
        "tab-nested-indent": "a:\n\tb: 1\n",
    }
    for name, text in more.items():
        out.append((name, text, y))
    jsons = {
        "j-object": '{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}',
        "j-big": '{"a":1e400}',
        "j-big-array": "[1e400, 2]",
        "j-array": "[1,2]",
        "j-string": '"x"',
        "j-number": "1",
        "j-null": "null",
        "j-empty": "",
        "j-space": "  ",
        "j-open": "{",
        "j-open-array": "[",
        "j-no-value": '{"a":}',
        "j-no-colon": '{"a" 1}',
        "j-trailing-comma": '{"a":1,}',
        "j-array-comma": "[1,]",
        "j-tru": "tru",
        "j-trux": "trux",
        "j-nul": "nul",
        "j-fals": "falsy",
        "j-bad-escape": '{"a":"\\x"}',
        "j-bad-u": '{"a":"\\u12"}',
        "j-raw-control": '{"a":"\x01"}',
        "j-leading-zero": "01",
        "j-minus": "-",
        "j-dot": "1.",
        "j-exp": "1e",
        "j-exp-sign": "1e+",
        "j-after-top": '{"a":1}x',
        "j-spaces": ' {"a":1} ',
        "j-surrogates": '{"a":"\\ud83d\\ude00"}',
        "j-lone-surrogate": '{"a":"\\ud83d"}',
        "j-dup": '{"a":1,"a":2}',
        "j-html": '{"<":"&>"}',
        "j-nonascii-start": "é",
        "j-nested": '{"a":[1,{"b":null}]}',
        "j-unclosed-array": "[1, 2",
        "j-key-not-string": "{1:2}",
        "j-single-quote": "{'a':1}",
        "j-neg-zero": '{"a":-0}',
        "j-exp-upper": '{"a":1E2}',
        "j-big-int": '{"a":12345678901234567890}',
        "j-unicode": '{"é":"日本"}',
        "j-escaped-slash": '{"a":"\\/"}',
        "j-tab-between": '{\t"a"\t:\t1\t}',
        "j-array-of-objects": '[{"a":1},{"b":2}]',
        "j-object-in-array-fn": '{"a":[]}',
    }
    for name, text in jsons.items():
        out.append((name, text, ["FJ", "FJA"]))
    tomls = {
        "t-basic": 'a = 1\nb = "x"\nc = 1.5\nd = true\n',
        "t-table": "[server]\nhost = \"h\"\nport = 8080\n",
        "t-nested": "[a.b]\nc = 1\n[a]\nd = 2\n",
        "t-array": "a = [1, 2, 3]\nb = [\"x\", \"y\"]\n",
        "t-array-tables": "[[p]]\nn = 1\n[[p]]\nn = 2\n",
        "t-inline": "a = {b = 1, c = \"d\"}\n",
        "t-datetime": "a = 1979-05-27T07:32:00Z\n",
        "t-local-date": "a = 1979-05-27\n",
        "t-local-time": "a = 07:32:00\n",
        "t-local-datetime": "a = 1979-05-27T07:32:00\n",
        "t-float-special": "a = inf\nb = -inf\nc = nan\n",
        "t-float-exp": "a = 1e6\nb = 5e-22\nc = 1_000.5\n",
        "t-int-forms": "a = 0x1F\nb = 0o17\nc = 0b101\nd = 1_000\ne = +5\n",
        "t-strings": "a = 'lit\\eral'\nb = \"\"\"\nmulti\nline\"\"\"\nc = '''\nraw\n'''\n",
        "t-escapes": 'a = "tab\\tnl\\nq\\"u\\u00e9"\n',
        "t-quoted-keys": '"a b" = 1\n\'c.d\' = 2\n',
        "t-dotted-keys": "a.b.c = 1\n",
        "t-empty": "",
        "t-comment": "# only\n",
        "t-error-dup": "a = 1\na = 2\n",
        "t-error-syntax": "a = \n",
        "t-error-value": "a = b\n",
        "t-error-table": "[a\nb = 1\n",
        "t-error-string": 'a = "x\n',
        "t-mixed-array": 'a = [1, "x"]\n',
        "t-big-int": "a = 9223372036854775808\n",
        "t-negative": "a = -1\nb = -1.5\n",
        "t-nested-arrays": "a = [[1, 2], [3]]\n",
        "t-array-of-inline": "a = [{b = 1}, {b = 2}]\n",
    }
    for name, text in tomls.items():
        out.append((name, text, ["FT"]))
    return out


def goyaml_less(a: str, b: str) -> bool:
    """go-yaml's keyList.Less for string keys (sorter.go)."""
    ar, br = list(a), list(b)
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdigit():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdigit():
            an = an * 10 + int(ar[ai])
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdigit():
            bn = bn * 10 + int(br[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ar[i] < br[i]
    return len(ar) < len(br)


def transitive(keys: list[str]) -> bool:
    """Whether go-yaml's order is a strict order on these keys. It is not on some (a1b < a01 <
    a10 < a1b), and Go then sorts keys in an order that depends on map iteration: random."""
    for a in keys:
        for b in keys:
            for c in keys:
                if goyaml_less(a, b) and goyaml_less(b, c) and not goyaml_less(a, c):
                    return False
    return True


def data_cases() -> list[tuple[str, object]]:
    strings = [
        "yes", "no", "y", "n", "on", "off", "true", "True", "false", "null", "Null", "~", "",
        " ", "1.10", "1", "-1", "0x1F", "010", "08", "1e3", "1_000", ".inf", ".nan", "+1",
        "2001-12-14", "2001-12-14 21:59:43.10", "12:30", "1:20", "190:20:30.15", "<<",
        "a: b", "a:b", "a :b", "a #b", "a#b", "#a", "-", "- a", "-a", "--", "*a", "&a", "!a",
        "|a", ">a", "'a", "\"a", "%a", "@a", "`a", "?", "? a", "?a", ":", ": a", ":a", "a:",
        ",a", "[a", "]a", "{a", "}a", "a,b", "a[b", "a]", "a{", "a}", "a?", "---", "--- a",
        "...", "... a", "---a", " a", "a ", "a  b", "tab\tx", "\ttab", "é", "😀", "a😀b",
        "\u00a0", "\ufeffx", "x\ufeff", "\u0085", "a\u0085b", "a \u0085 b", "a\u0085\u0085b",
        "\u2028", "a\u2028b", "\x7f", "\x00", "\x1b", "\x01\x02", "\u0080", "\ufffe",
        "a\nb", "a\nb\n", "a\nb\n\n", "\na", "\n", "\n\n", " a\nb", "a \nb", "a\n b",
        "a\n\nb", "a\tb\nc", "a\r\nb", "a\rb", "x\n  indented\n", "trailing \n",
        "line1\nline2 \nline3", "\u00e9\nx", "a\n\u0085b", "#!/bin/sh\necho hi\n",
        "key: value\nother: 1\n", "- item\n", "a\u2028\nb",
        "word " * 30, ("word " * 30).strip(), "x" * 100, "a: " + "b " * 50,
        "'" + "q " * 50, "lead " * 20 + "  double  spaces  " * 5, "é " * 60,
        ("long line with many words that goes past the eighty column limit of the emitter "
         "and keeps going for a while longer"),
        "tab\tand " * 20, "\"quote\" " * 20, "comma, " * 20,
        "multi\n" + "word " * 30 + "\nend", "x " * 39 + "y", "x" * 79 + " y",
        "x" * 80 + " y", "x" * 81 + " y", "a " * 40 + " b", "a" * 78 + "  b",
        "😀 " * 50,
    ]
    out: list[tuple[str, object]] = []
    for i, s in enumerate(strings):
        out.append((f"str-{i:03}", {"v": s}))
    for i, s in enumerate(strings[:60]):
        out.append((f"strkey-{i:03}", {s: 1}))
    numbers = [
        0, 1, -1, 1.5, -1.5, 1e6, 1e20, 1e21, 1e-6, 1e-7, 123456789, 1234567.5, 0.000123,
        9007199254740993, 18446744073709551615, 9223372036854775807, -9223372036854775808,
        3.0, 0.1, 1 / 3, 2.5e-8, 1e100, 5e-324, 1.7976931348623157e308, 100000, 999999,
        1000000, 12345678, 0.0001, 0.00001, 123456.789, -0.0,
    ]
    for i, n in enumerate(numbers):
        out.append((f"num-{i:03}", {"v": n}))
    key_sets = [
        ["a10", "a2", "a1", "B", "b", "_", "-", "0", "1", "10", "2", "a", "A", "é", "Z", "z",
         "a_b", "a-b", "aB", "ab", "x1y2", "x1y10", "ä", "日本", "~", ".",
         "$", "a.b", "a/b", "A1", "a9", "", " ", "yes", "a9z"],
        ["0", "00", "01", "1", "001", "010", "10"],
        ["a0", "a00", "a01", "a001", "a1", "a2"],
        ["x01", "x1", "x001", "x10", "x2"],
        ["port8080", "port80", "port443", "port9", "item1", "item10", "item2", "item20"],
        ["1a", "2a", "2b", "3"],
    ]
    for i, keys in enumerate(key_sets):
        assert transitive(keys), keys
        out.append((f"key-order-{i}", {k: n for n, k in enumerate(keys)}))
    out.append(("key-long", {"k" * 129: 1, "j" * 128: 2, "é" * 65: 3}))
    out.append(("key-multiline", {"a\nb": 1, "c\n": 2}))
    out.append(("key-special", {"a: b": 1, "- a": 2, "#c": 3, "x\ty": 4, " lead": 5}))
    structures = {
        "empty-map": {}, "empty-list": [], "nested-empty": {"a": {}, "b": [], "c": [[]],
                                                           "d": [{}]},
        "lists": {"a": [[1, 2], [3]], "b": [{"x": 1, "y": 2}, {"z": [3]}]},
        "deep": {"a": {"b": {"c": {"d": {"e": [1, {"f": "g"}]}}}}},
        "nulls": {"a": None, "b": [None, None], "c": {"d": None}},
        "mixed": {"a": [1, "x", True, None, 1.5, {"b": []}]},
        "root-list": [1, "a", {"b": "c"}, ["d"]],
        "root-string": "hello", "root-number": 42, "root-null": None, "root-bool": True,
        "root-multiline": "a\nb\n", "list-multiline": ["a\nb", "c\n"],
        "map-in-list-multiline": [{"a": "x\ny\n", "b": 1}],
        "long-nested": {"a": {"b": {"c": "word " * 30}}},
        "long-in-list": ["word " * 30, ["word " * 30]],
        "literal-nested": {"a": {"b": ["x\ny", {"c": "p\nq\n"}]}},
        "toml-tables": {"title": "T", "owner": {"name": "n", "dob": "1979"},
                        "database": {"ports": [8000, 8001], "enabled": True,
                                     "data": [["a", "b"], [1, 2]]},
                        "servers": {"alpha": {"ip": "10.0.0.1"}, "beta": {"ip": "10.0.0.2"}}},
        "toml-array-tables": {"products": [{"name": "Hammer", "sku": 738594937},
                                           {"name": "Nail", "color": "gray"}]},
        "toml-mixed-array": {"a": [1, "x", {"b": 1}]},
        "toml-keys": {"a b": 1, "c.d": 2, "": 3, "é": 4, "x-y_z": 5, "1": 6, "\"q\"": 7},
        "toml-floats": {"a": 1.0, "b": 1.5, "c": 1e20, "d": 1e-7, "e": 100.0, "f": -0.0,
                        "g": 1e21, "h": 123456789.0, "i": 0.1},
        "toml-strings": {"a": "x\ny", "b": "tab\t", "c": "q\"q", "d": "back\\slash",
                         "e": "é", "f": "\x01", "g": "\x7f"},
        "toml-empty": {"a": {}, "b": [], "c": [{}], "d": {"e": {}}},
        "toml-null": {"a": None, "b": 1},
        "toml-nested-array-tables": {"a": [{"b": [{"c": 1}, {"c": 2}]}, {"d": {"e": 1}}]},
        "toml-array-of-arrays-of-maps": {"a": [[{"b": 1}]]},
        "toml-deep-tables": {"a": {"b": {"c": {"d": 1}}, "e": 2}},
        "toml-list-then-scalar": {"z": 1, "a": [{"b": 1}], "m": {"n": 1}, "b": "x"},
        "toml-root-list": [1, 2],
        "toml-null-in-array": {"a": [1, None]},
        "toml-bool-array": {"a": [True, False]},
        "toml-big": {"a": 9007199254740993, "b": 18446744073709551615},
    }
    for name, v in structures.items():
        out.append((name, v))
    return out


# Expressions run by Helm's engine itself: Go ints from template literals, typed slices, the
# functions' signatures, what the values print as, and the `must` forms failing the template.
TEMPLATE_CASES = [
    'toYaml (list 1 2 "a")', 'toYaml (dict "a" 1 "b" 2.5)', "toYaml 1000000", "toYaml 1e6",
    "toJson 1e6", "toJson 1000000", 'toToml (dict "a" 1 "b" (list 1 2))',
    'toToml (dict "a" 1.5 "b" 2)', 'toYamlPretty (dict "a" 1000000 "b" 1e6 "c" 1.5)',
    "toYamlPretty (list nil)", 'toJson (list "a" nil)', 'typeOf (fromYaml "a: 1").a',
    'typeOf (fromToml "a = 1").a', 'typeOf (fromToml "a = 1.5").a',
    'typeOf (fromToml "a = 1979-05-27").a', '(fromToml "a = 1979-05-27T07:32:00Z").a',
    '(fromToml "a = 1979-05-27T07:32:00.5-07:00").a', '(fromToml "a = 07:32:00").a',
    'fromYaml "a: [1,2]"', 'fromYamlArray "- 1"', 'fromJson "{\\"a\\":1}"',
    'typeOf (fromJsonArray "[1]")', 'kindOf (fromYaml "a: 1")', 'typeOf (fromYaml "a: 1")',
    'toYaml (splitList "," "a,b")', 'toJson (dict "a" "<>")', 'toToml "x"', "toToml 1",
    "toToml (list 1 2)", 'toToml (list (dict "a" 1))', 'toToml (dict "a" (list (dict "b" 1) 2))',
    'mustToYaml (dict "a" (list 1))', 'mustToJson (dict "a" (list 1))', "toYaml nil",
    "toJson nil", "toYamlPretty nil", 'toYaml (float64 "NaN")', 'toYamlPretty (float64 "NaN")',
    'toToml (dict "a" (float64 "NaN") "b" (float64 "-Inf"))', 'toJson (float64 "Inf")',
    'fromYaml "a: 1" | toToml', 'fromToml "a = [1, 2]\\n[b]\\nc = \\"d\\"" | toYaml',
    'toYaml (fromToml "a = 1979-05-27")', 'toToml (fromToml "a = 1979-05-27\\nb = 07:32:00")',
    'toYamlPretty (fromToml "a = 1979-05-27T07:32:00Z")', 'len (fromYaml "a: 1\\nb: 2")',
    'toYaml (dict "k" (list (dict "a" 1 "b" (list 2 3))))', 'toYamlPretty (dict "k" (list (dict "a" 1 "b" (list 2 3))))',
    "mustToToml nil", "toToml nil", 'mustToToml (list (dict "a" 1))', 'mustToYaml (float64 "NaN")',
    'mustToJson (float64 "NaN")', 'toToml (list 1 nil)', 'mustToToml (dict "a" (list 1 nil))',
    "fromYaml 1", "toYaml", 'toYaml "a" "b"',
]


def template_text(expr: str) -> str:
    # `print` turns any result into its Go `%v` text (a map, a time) for b64enc.
    return f"# {{{{ print ({expr}) | b64enc }}}}\n"


# ----------------------------------------------------------------------------------------------
# Charts and the oracle


def write_chart(root: Path, name: str, values: str, template: str) -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "values.yaml").write_bytes(values.encode("utf-8"))
    (chart / "templates" / "t.yaml").write_text(template)
    return chart


VALUES_TEMPLATE = (
    "# J {{ toJson .Values | b64enc }}\n"
    "# Y {{ toYaml .Values | b64enc }}\n"
    "# P {{ toYamlPretty .Values | b64enc }}\n"
)

# `.Values` is the file after Helm's coalescing (null keys dropped); `fromYaml` of the same
# text, read through `.Files`, is the decoding alone.
CORPUS_TEMPLATE = (
    "# J {{ toJson .Values | b64enc }}\n"
    "# Y {{ toYaml .Values | b64enc }}\n"
    '# F {{ .Files.Get "raw.yaml" | fromYaml | toJson | b64enc }}\n'
)

STRING_EXPR = {
    "I": "$v",
    "FY": "fromYaml $v | toJson",
    "FYA": "fromYamlArray $v | toJson",
    "FYY": "fromYaml $v | toYaml",
    "FJ": "fromJson $v | toJson",
    "FJA": "fromJsonArray $v | toJson",
    "FT": "fromToml $v | toJson",
}

DATA_EXPR = {
    "J": "toJson $v",
    "Y": "toYaml $v",
    "P": "toYamlPretty $v",
}

# toToml can fail the whole template (a Go panic inside BurntSushi's encoder, recovered by
# text/template), so each value gets a chart of its own for it.
TOML_TEMPLATE = "# {{ toToml (index (fromYamlArray .Values.v) 0) | b64enc }}\n"


def b64lines(output: str) -> dict[tuple[str, str], str]:
    got: dict[tuple[str, str], str] = {}
    for line in output.split("\n"):
        parts = line.split(" ")
        if len(parts) == 4 and parts[0] == "#":
            got[(parts[1], parts[2])] = base64.b64decode(parts[3]).decode("utf-8")
    return got


def run_oracle(python: str, requests: list[dict]) -> list[dict]:
    text = "".join(json.dumps(r) + "\n" for r in requests)
    proc = subprocess.run([python, str(ORACLE), "--batch"], input=text, capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0 and not proc.stdout:
        sys.exit(f"oracle failed: {proc.stderr}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def corpus_values(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("charts/*/values.yaml")) + sorted(
        corpus.glob("charts/*/charts/*/values.yaml"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.environ.get("IMGSIFT_CORPUS",
                                                       str(ROOT.parent / "shared" / "corpus")))
    args = ap.parse_args()
    python = sys.executable
    corpus = Path(args.corpus)
    cases: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        requests = []
        vcases = values_cases()
        for i, (name, text) in enumerate(vcases):
            chart = write_chart(root, f"v{i}", text, VALUES_TEMPLATE)
            requests.append({"id": f"values:{i}", "chart": str(chart)})
        scases = string_cases()
        lines = []
        values = ["cases:"]
        for i, (name, text, kinds) in enumerate(scases):
            cid = f"s{i:04}"
            values.append(f"  {cid}: {yaml_quote(text)}")
            for kind in ["I"] + kinds:
                lines.append(f"# {cid} {kind} {{{{ {STRING_EXPR[kind].replace('$v', f'.Values.cases.{cid}')} | b64enc }}}}")
        chart = write_chart(root, "strings", "\n".join(values) + "\n", "\n".join(lines) + "\n")
        requests.append({"id": "strings", "chart": str(chart)})
        dcases = data_cases()
        lines = []
        values = ["cases:"]
        for i, (name, v) in enumerate(dcases):
            # The value travels as text read back with fromYamlArray: values read from
            # values.yaml itself would go through Helm's coalescing, which drops null keys.
            cid = f"d{i:04}"
            values.append(f"  {cid}: {yaml_quote('- ' + yaml_flow(v))}")
            value = f"(index (fromYamlArray .Values.cases.{cid}) 0)"
            for kind, expr in DATA_EXPR.items():
                lines.append(f"# {cid} {kind} {{{{ {expr.replace('$v', value)} | b64enc }}}}")
        chart = write_chart(root, "data", "\n".join(values) + "\n", "\n".join(lines) + "\n")
        requests.append({"id": "data", "chart": str(chart)})
        for i, (name, v) in enumerate(dcases):
            chart = write_chart(root, f"toml{i}", f"v: {yaml_quote('- ' + yaml_flow(v))}\n",
                                TOML_TEMPLATE)
            requests.append({"id": f"toml:{i}", "chart": str(chart)})
        for i, expr in enumerate(TEMPLATE_CASES):
            chart = write_chart(root, f"tpl{i}", "", template_text(expr))
            requests.append({"id": f"template:{i}", "chart": str(chart)})
        cpaths = corpus_values(corpus)
        for i, path in enumerate(cpaths):
            text = path.read_text(encoding="utf-8")
            chart = write_chart(root, f"corpus{i}", text, CORPUS_TEMPLATE)
            (chart / "raw.yaml").write_text(text, encoding="utf-8")
            requests.append({"id": f"corpus:{i}", "chart": str(chart)})
        answers = {a["id"]: a for a in run_oracle(python, requests)}

        for i, (name, text) in enumerate(vcases):
            a = answers[f"values:{i}"]
            case = {"kind": "values", "name": name, "input": text}
            if a["ok"]:
                case["expect"] = {}
                for line in a["output"].split("\n"):
                    parts = line.split(" ")
                    if len(parts) == 3 and parts[0] == "#" and parts[1] in ("J", "Y", "P"):
                        case["expect"][parts[1]] = base64.b64decode(parts[2]).decode("utf-8")
            else:
                case["error"] = a["error"]
            cases.append(case)

        a = answers["strings"]
        if not a["ok"]:
            sys.exit(f"strings chart failed: {a['error']}")
        got = b64lines(a["output"])
        for i, (name, text, kinds) in enumerate(scases):
            cid = f"s{i:04}"
            echo = got.get((cid, "I"))
            if echo != text:
                print(f"skipped string case {name}: the text did not survive ({echo!r})",
                      file=sys.stderr)
                continue
            cases.append({"kind": "string", "name": name, "input": text,
                          "expect": {k: got[(cid, k)] for k in kinds}})

        a = answers["data"]
        if not a["ok"]:
            sys.exit(f"data chart failed: {a['error']}")
        got = b64lines(a["output"])
        for i, (name, v) in enumerate(dcases):
            cid = f"d{i:04}"
            expect = {k: got[(cid, k)] for k in DATA_EXPR}
            t = answers[f"toml:{i}"]
            if t["ok"]:
                line = t["output"].rstrip("\n").split("\n")[-1]
                expect["T"] = base64.b64decode(line[2:]).decode("utf-8")
            else:
                expect["T!"] = t["error"]
            cases.append({"kind": "data", "name": name, "input": yaml_flow(v), "expect": expect})

        for i, expr in enumerate(TEMPLATE_CASES):
            a = answers[f"template:{i}"]
            template = template_text(expr)
            case = {"kind": "template", "name": expr, "input": template}
            if a["ok"]:
                line = a["output"].rstrip("\n").split("\n")[-1]
                case["expect"] = {"R": base64.b64decode(line[2:]).decode("utf-8")}
            else:
                case["error"] = a["error"].split("\n\nUse --debug")[0]
            cases.append(case)

        for i, path in enumerate(cpaths):
            a = answers[f"corpus:{i}"]
            rel = path.relative_to(corpus).as_posix()
            if not a["ok"]:
                cases.append({"kind": "corpus", "name": rel, "error": a["error"]})
                continue
            digests = {}
            for line in a["output"].split("\n"):
                parts = line.split(" ")
                if len(parts) == 3 and parts[0] == "#" and parts[1] in ("J", "Y", "F"):
                    digests[parts[1]] = hashlib.sha256(base64.b64decode(parts[2])).hexdigest()
            cases.append({"kind": "corpus", "name": rel, "sha256": digests})

    OUT.write_text(json.dumps({"helm": "v4.2.3 (helm-python-sdk 0.2.2)", "cases": cases},
                              indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for c in cases:
        counts[c["kind"]] = counts.get(c["kind"], 0) + 1
    print(f"wrote {OUT.relative_to(ROOT)}: {len(cases)} cases {counts}")


if __name__ == "__main__":
    main()
