#!/usr/bin/env python3
"""Compare two `helm template` outputs document by document, tolerating only randomness.

    compare.py EXPECTED.yaml ACTUAL.yaml     prints every difference, exit 1 if any

As a module: `compare_streams(expected_text, actual_text) -> Report` (`report.ok`,
`report.differences`, `report.tolerated`).

Both streams are split into documents at `---` lines and each document is parsed as YAML
(PyYAML, YAML 1.1 like Helm's go-yaml; timestamps are kept as strings). They must have the same
number of documents, in the same order, with the same `# Source:` line, and equal parsed
content: same keys (order ignored: YAML maps are unordered), same list lengths, same scalar
types (1, 1.0, "1" and true all differ) and values. A document that does not parse is compared
as text.

The only differences accepted are those of values Helm generates at random on every render
(randAlphaNum & co., genCA/genSignedCert/genPrivateKey, bcrypt salts, and checksums or base64
of them). `tolerated(a, b)` decides for two differing leaf strings, and each rule is deliberately
narrow:

  pem          both hold PEM blocks: the same sequence of block types, and identical text
               outside the blocks (a generated CA, certificate or key).
  base64       both are strict base64 (length a multiple of 4, at least 8): decoded, two texts
               must again be tolerated by one of these rules, two binary blobs must have the same
               length >= 8 and differ in more than half of their bytes. Random values are nearly
               always stored base64-encoded in Secrets; judging the decoded value is stricter
               than judging its encoding, and avoids base64's chance '+' and '/'.
  hex-digest   both are hex digests of the same length (32, 40, 56, 64, 96 or 128 digits, one
               letter case), differing in more than half of their digits (sha256sum & co. of
               random content).
  bcrypt       identical except for one bcrypt hash ($2a$NN$ + 53 characters) at the same place
               (htpasswd with a random salt; its '.' and '/' come and go by chance).
  random       same length >= 8, more than half of the positions differ, and both made only of
               letters and digits (randAlphaNum, randAlpha) or only of base64 characters, each
               using at least two of lowercase, uppercase and digits -- or both only digits
               (randNumeric). Words ("postgres" / "database") use one class and fail; values
               with '.', ':', '/', '@' (image references, hosts, paths) are never random.
  uuid         both UUIDs (uuidv4), differing in more than half of their positions.
  name-suffix  only for `metadata.name` of a hook document: identical up to a last "-", after
               it two lowercase alphanumeric suffixes of the same length >= 5 differing in more
               than half of their positions. A loosening of `random` for the
               `-{{ randAlphaNum 5 | lower }}` that charts append to hook pod and job names (the
               corpus's jenkins test pod is `jenkins-ui-test-r9abh`): 5 < 8, but only after an
               identical prefix, and only where Helm charts put such names.

Rules are tried in this order: hex-digest, pem, bcrypt, base64 (when both decode to text, the
decoded pair decides alone), random, uuid, name-suffix, base64 of binary.

Chance of a false alarm on two genuine random values of the sizes Helm charts use is about 2e-3
for a randAlphaNum of 8 (all one class by chance), 3e-4 for 10, below 1e-5 from 14 on, and
negligible for digests, keys and certificates. Not tolerated, by design: randAscii values
(random symbols), random values shorter than 8 (except the hook name suffix), anything from
`now`/`date`, and every other difference -- another image tag, a number that became a string.
"""

from __future__ import annotations

import base64
import binascii
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    _BaseLoader = yaml.CSafeLoader  # libyaml: kyverno's 4.6 MB stream in about a second
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader without the timestamp resolver: Kubernetes reads timestamps as strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

# --------------------------------------------------------------------------------------------
# Tolerance for random values


_PEM = re.compile(
    r"-----BEGIN ([A-Z0-9 ]+)-----[ \t]*\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n-----END \1-----"
)
_B64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_HEX_LOWER = re.compile(r"[0-9a-f]+")
_HEX_UPPER = re.compile(r"[0-9A-F]+")
_DIGEST_LENGTHS = {32, 40, 56, 64, 96, 128}
_BCRYPT = re.compile(r"\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}")
_NAME_SUFFIX = re.compile(r"[a-z0-9]+")


def _differ_more_than_half(a: Any, b: Any) -> bool:
    return sum(1 for x, y in zip(a, b) if x != y) * 2 > len(a)


def _pem(a: str, b: str) -> bool:
    ma, mb = list(_PEM.finditer(a)), list(_PEM.finditer(b))
    if not ma or len(ma) != len(mb):
        return False
    if [m.group(1) for m in ma] != [m.group(1) for m in mb]:
        return False
    if _PEM.sub("\0", a) != _PEM.sub("\0", b):
        return False
    for m in ma + mb:
        try:
            base64.b64decode(re.sub(r"\s", "", m.group(2)), validate=True)
        except (binascii.Error, ValueError):
            return False
    return True


def _b64decode(s: str) -> bytes | None:
    if len(s) < 8 or len(s) % 4 or not _B64.fullmatch(s):
        return None
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        return None


def _hex_digest(a: str, b: str) -> bool:
    if len(a) != len(b) or len(a) not in _DIGEST_LENGTHS:
        return False
    same_case = (_HEX_LOWER.fullmatch(a) and _HEX_LOWER.fullmatch(b)) or (
        _HEX_UPPER.fullmatch(a) and _HEX_UPPER.fullmatch(b)
    )
    return bool(same_case) and _differ_more_than_half(a, b)


def _bcrypt(a: str, b: str) -> bool:
    ma, mb = _BCRYPT.search(a), _BCRYPT.search(b)
    if not ma or not mb or ma.span() != mb.span():
        return False
    return a[: ma.start()] == b[: mb.start()] and a[ma.end() :] == b[mb.end() :]


_ALNUM = re.compile(r"[A-Za-z0-9]+")
_B64_TEXT = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_DIGITS = re.compile(r"[0-9]+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _mixed(s: str) -> bool:
    """Uses at least two of lowercase, uppercase and digits."""
    lower = any("a" <= c <= "z" for c in s)
    upper = any("A" <= c <= "Z" for c in s)
    digit = any("0" <= c <= "9" for c in s)
    return lower + upper + digit >= 2


def _random(a: str, b: str) -> bool:
    if len(a) != len(b) or len(a) < 8 or not _differ_more_than_half(a, b):
        return False
    if _DIGITS.fullmatch(a) and _DIGITS.fullmatch(b):
        return True
    if (_ALNUM.fullmatch(a) and _ALNUM.fullmatch(b)) or (
        _B64_TEXT.fullmatch(a) and _B64_TEXT.fullmatch(b)
    ):
        return _mixed(a) and _mixed(b)
    return False


def _uuid(a: str, b: str) -> bool:
    return bool(_UUID.fullmatch(a) and _UUID.fullmatch(b)) and _differ_more_than_half(a, b)


def _name_suffix(a: str, b: str) -> bool:
    pa, _, xa = a.rpartition("-")
    pb, _, xb = b.rpartition("-")
    if not pa or pa != pb or len(xa) != len(xb) or len(xa) < 5:
        return False
    if not (_NAME_SUFFIX.fullmatch(xa) and _NAME_SUFFIX.fullmatch(xb)):
        return False
    return _differ_more_than_half(xa, xb)


def tolerated(a: str, b: str, hook_name: bool = False) -> str | None:
    """The rule that accepts two differing strings as two draws of one random value, or None.

    hook_name: the strings are the metadata.name of a Helm hook (allows `name-suffix`)."""
    if a == b:
        return "equal"
    if _hex_digest(a, b):
        return "hex-digest"
    if _pem(a, b):
        return "pem"
    if _bcrypt(a, b):
        return "bcrypt"
    da, db = _b64decode(a), _b64decode(b)
    ta = tb = None
    if da is not None and db is not None:
        try:
            ta, tb = da.decode("utf-8"), db.decode("utf-8")
        except UnicodeDecodeError:
            ta = tb = None
    if ta is not None and tb is not None:
        # base64 of two texts (a Secret's data): only the decoded values are judged.
        inner = tolerated(ta, tb)
        return f"base64({inner})" if inner else None
    if _random(a, b):
        return "random"
    if _uuid(a, b):
        return "uuid"
    if hook_name and _name_suffix(a, b):
        return "name-suffix"
    if da is not None and db is not None and ta is None:
        # base64 of two binary blobs (randBytes, DER keys): judge the bytes.
        if len(da) == len(db) and len(da) >= 8 and _differ_more_than_half(da, db):
            return "base64(random-bytes)"
    return None


# --------------------------------------------------------------------------------------------
# Streams


@dataclass
class Doc:
    index: int
    source: str | None
    text: str
    obj: Any = None
    error: str | None = None

    @property
    def label(self) -> str:
        kind = name = None
        if isinstance(self.obj, dict):
            kind = self.obj.get("kind")
            meta = self.obj.get("metadata")
            if isinstance(meta, dict):
                name = meta.get("name")
        who = f"{kind or '?'}/{name or '?'}"
        return f"document {self.index} ({who}, {self.source or 'no # Source'})"


_MARKER = re.compile(r"^---(?=[ \t]|$)", re.M)
_SOURCE = re.compile(r"# Source: (.*)")


def split_stream(text: str) -> list[Doc]:
    """Documents of a `helm template` stream, split at `---` marker lines."""
    starts = [m.start() for m in _MARKER.finditer(text)]
    chunks: list[str] = []
    if not starts:
        chunks = [text]
    else:
        head = text[: starts[0]]
        if head.strip():
            chunks.append(head)
        for i, s in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            chunks.append(text[s + 3 : end])
    docs = []
    for i, chunk in enumerate(chunks):
        source = None
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            m = _SOURCE.fullmatch(line.strip())
            if m:
                source = m.group(1)
            break
        doc = Doc(i, source, chunk)
        try:
            doc.obj = yaml.load(chunk, Loader=_Loader)  # noqa: S506 - a safe loader
        except yaml.YAMLError as e:
            doc.error = str(e).replace("\n", " ")
        docs.append(doc)
    return docs


@dataclass
class Report:
    differences: list[str] = field(default_factory=list)
    tolerated: dict[str, int] = field(default_factory=dict)
    documents: int = 0

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        tol = ", ".join(f"{k} {v}" for k, v in sorted(self.tolerated.items()))
        return f"{self.documents} documents, {len(self.differences)} differences" + (
            f", tolerated: {tol}" if tol else ""
        )


def _short(v: Any, limit: int = 100) -> str:
    r = repr(v)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _type(v: Any) -> str:
    return "null" if v is None else type(v).__name__


def _path_key(path: str, key: Any) -> str:
    k = str(key)
    if re.fullmatch(r"[A-Za-z0-9_-]+", k):
        return f"{path}.{k}" if path else k
    return f"{path}[{k!r}]"


def compare_values(
    a: Any, b: Any, path: str, report: Report, where: str, tolerate: bool = True,
    hook: bool = False,
) -> None:
    """Deep comparison of two parsed YAML values, appending to report.differences."""
    if type(a) is not type(b):
        report.differences.append(
            f"{where}: {path or '<root>'}: {_type(a)} {_short(a)} != {_type(b)} {_short(b)}"
        )
        return
    if isinstance(a, dict):
        for k in a:
            if k not in b:
                report.differences.append(f"{where}: {_path_key(path, k)}: missing (expected {_short(a[k])})")
        for k in b:
            if k not in a:
                report.differences.append(f"{where}: {_path_key(path, k)}: unexpected {_short(b[k])}")
        for k in a:
            if k in b:
                compare_values(a[k], b[k], _path_key(path, k), report, where, tolerate, hook)
        return
    if isinstance(a, list):
        if len(a) != len(b):
            report.differences.append(
                f"{where}: {path or '<root>'}: {len(a)} items expected, {len(b)} found"
            )
        for i, (x, y) in enumerate(zip(a, b)):
            compare_values(x, y, f"{path}[{i}]", report, where, tolerate, hook)
        return
    if a == b:
        return
    if isinstance(a, str) and tolerate:
        rule = tolerated(a, b, hook_name=hook and path == "metadata.name")
        if rule:
            report.tolerated[rule] = report.tolerated.get(rule, 0) + 1
            return
    report.differences.append(f"{where}: {path or '<root>'}: {_short(a)} != {_short(b)}")


def is_hook(obj: Any) -> bool:
    """A document Helm treats as a hook (it has a helm.sh/hook annotation)."""
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    return isinstance(ann, dict) and "helm.sh/hook" in ann


def compare_streams(expected: str, actual: str, tolerate: bool = True) -> Report:
    """Compare two rendered streams; expected is Helm's (the oracle's), actual the candidate's."""
    report = Report()
    ea, aa = split_stream(expected), split_stream(actual)
    report.documents = len(ea)
    if len(ea) != len(aa):
        report.differences.append(f"{len(ea)} documents expected, {len(aa)} found")
        ex = [d.source for d in ea]
        ac = [d.source for d in aa]
        for s in sorted(set(ex) - set(ac), key=str):
            report.differences.append(f"  only expected: # Source: {s}")
        for s in sorted(set(ac) - set(ex), key=str):
            report.differences.append(f"  only found: # Source: {s}")
    for de, da in zip(ea, aa):
        where = de.label
        if de.source != da.source:
            report.differences.append(
                f"{where}: # Source: {de.source!r} expected, {da.source!r} found"
            )
        if de.error or da.error:
            if de.text.strip() != da.text.strip():
                report.differences.append(
                    f"{where}: does not parse as YAML ({de.error or da.error}) and the texts differ"
                )
            continue
        compare_values(de.obj, da.obj, "", report, where, tolerate, is_hook(de.obj))
    return report


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: compare.py EXPECTED.yaml ACTUAL.yaml\n")
        return 2
    with open(argv[0], encoding="utf-8") as f:
        expected = f.read()
    with open(argv[1], encoding="utf-8") as f:
        actual = f.read()
    report = compare_streams(expected, actual)
    for d in report.differences:
        print(d)
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
