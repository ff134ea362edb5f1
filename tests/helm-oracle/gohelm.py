"""Ports of the pieces of Helm v4.2.3 (Go) that the helm-python-sdk does not expose.

The oracle renders with Helm's own Go code wherever the SDK lets it; the functions here cover
what `helm template` does *around* the SDK's calls, each a line-by-line port of the Go source
named in its docstring (helm/helm at tag v4.2.3):

- `merge_maps`, `split_yaml_documents`: `-f` values files (pkg/chart/v2/loader/load.go
  `LoadValues`/`MergeMaps`, k8s.io/apimachinery `util/yaml.YAMLReader`): Helm 4 merges *every*
  document of a multi-document values file, the SDK's `values_from_yaml` reads only the first.
- `StrvalsParser` and the `parse_*_into` helpers: `--set`, `--set-string`, `--set-json`,
  `--set-file`, `--set-literal` (pkg/strvals/parser.go, literal_parser.go). Helm parses each flag
  INTO the map built so far (`ParseInto`), which is not the same as parsing on its own and
  merging (list indices update an existing list from `-f`); the SDK only parses into a fresh map,
  so it is used to cross-check this port (selftest.py), not to apply it.
- `split_manifests`, `sort_manifests`: pkg/release/v1/util/manifest.go and manifest_sorter.go,
  kind_sorter.go (`InstallOrder`): hooks are not returned by the SDK's install call.
- `go_filepath_match`: Go's `path/filepath.Match`, used by `--show-only`.

Go values are modelled as: dict (map[string]interface {}), list ([]interface {}), str, bool,
None (nil), float (float64: every number from YAML or JSON) and int (int64: only `--set`
integers, from strvals' typedVal).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

# --------------------------------------------------------------------------------------------
# Go string helpers


_GO_SPACE_EXTRA = {0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000}


def go_is_space(ch: str) -> bool:
    """unicode.IsSpace."""
    o = ord(ch)
    if o <= 0xFF:
        return ch in "\t\n\v\f\r " or o in (0x85, 0xA0)
    return o in _GO_SPACE_EXTRA or 0x2000 <= o <= 0x200A


def go_trim_space(s: str) -> str:
    """strings.TrimSpace."""
    i, j = 0, len(s)
    while i < j and go_is_space(s[i]):
        i += 1
    while j > i and go_is_space(s[j - 1]):
        j -= 1
    return s[i:j]


def go_trim_left_space(s: str) -> str:
    """strings.TrimLeftFunc(s, unicode.IsSpace)."""
    i = 0
    while i < len(s) and go_is_space(s[i]):
        i += 1
    return s[i:]


def go_quote(s: str) -> str:
    """strconv.Quote (fmt's %q on a string)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\v":
            out.append("\\v")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02x" % o)
        elif 0xD800 <= o <= 0xDFFF:  # a lone surrogate (invalid UTF-8 read by Python)
            out.append("\\ufffd")
        elif o < 0x80 or ch.isprintable():
            out.append(ch)
        elif o <= 0xFFFF:
            out.append("\\u%04x" % o)
        else:
            out.append("\\U%08x" % o)
    out.append('"')
    return "".join(out)


def go_quote_rune(ch: str) -> str:
    """strconv.QuoteRune."""
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    inner = go_quote(ch)[1:-1]
    return "'" + inner + "'"


def go_quote_runes(s: str) -> str:
    """fmt's %q on a []rune: each rune quoted, space separated, in brackets."""
    return "[" + " ".join(go_quote_rune(c) for c in s) + "]"


def go_type_name(v: Any) -> str:
    """The dynamic Go type of a value, as a panic message names it."""
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, list):
        return "[]interface {}"
    return type(v).__name__


class _GoPanic(Exception):
    """A runtime panic that Helm's code recovers (e.g. a failed type assertion)."""


def _assert_type(v: Any, want: type, want_name: str) -> Any:
    if isinstance(v, want):
        return v
    if v is None:
        raise _GoPanic(f"interface conversion: interface {{}} is nil, not {want_name}")
    raise _GoPanic(f"interface conversion: interface {{}} is {go_type_name(v)}, not {want_name}")


def _as_list(v: Any) -> list:
    return _assert_type(v, list, "[]interface {}")


def _as_map(v: Any) -> dict:
    return _assert_type(v, dict, "map[string]interface {}")


def go_atoi(s: str) -> int:
    """strconv.Atoi, raising ValueError with Go's message."""
    body = s[1:] if s[:1] in ("+", "-") else s
    if not body or not all("0" <= c <= "9" for c in body):
        raise ValueError(f"strconv.Atoi: parsing {go_quote(s)}: invalid syntax")
    n = int(s)
    if not -(2**63) <= n < 2**63:
        raise ValueError(f"strconv.Atoi: parsing {go_quote(s)}: value out of range")
    return n


def go_parse_int64(s: str) -> int | None:
    """strconv.ParseInt(s, 10, 64), None on any error."""
    body = s[1:] if s[:1] in ("+", "-") else s
    if not body or not all("0" <= c <= "9" for c in body):
        return None
    n = int(s)
    if not -(2**63) <= n < 2**63:
        return None
    return n


# --------------------------------------------------------------------------------------------
# JSON as Go's encoding/json decodes it into interface{}: every number is a float64.


class GoJSONError(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise GoJSONError(f"invalid character {name[0]!r} looking for beginning of value")


def _go_float(text: str) -> float:
    v = float(text)
    if v in (float("inf"), float("-inf")):
        raise GoJSONError(f"json: cannot unmarshal number {text} into Go value of type float64")
    return v


_JSON_DECODER = json.JSONDecoder(
    parse_int=_go_float, parse_float=_go_float, parse_constant=_reject_constant
)
_JSON_WS = " \t\n\r"


def go_json_loads(text: str) -> Any:
    """json.Unmarshal into interface{} (whole input, numbers as float64)."""
    try:
        value, end = _JSON_DECODER.raw_decode(text, _skip_json_ws(text, 0))
    except json.JSONDecodeError as e:
        raise GoJSONError(str(e)) from None
    if _skip_json_ws(text, end) != len(text):
        raise GoJSONError("invalid character after top-level value")
    return value


def _skip_json_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _JSON_WS:
        i += 1
    return i


def json_to_go(text: str) -> Any:
    """Decode JSON the SDK produced (Go values marshalled) back into Go-typed Python values."""
    return _JSON_DECODER.decode(text)


# --------------------------------------------------------------------------------------------
# -f/--values: pkg/chart/v2/loader/load.go


def merge_maps(a: dict, b: dict) -> dict:
    """loader.MergeMaps: maps merge key by key, anything else in b replaces."""
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict):
            bv = out.get(k)
            if k in out and isinstance(bv, dict):
                out[k] = merge_maps(bv, v)
                continue
        out[k] = v
    return out


class YAMLSyntaxError(ValueError):
    pass


def split_yaml_documents(data: str) -> list[str]:
    """k8s.io/apimachinery/pkg/util/yaml.YAMLReader.Read (v0.36.1), called until io.EOF.

    Lines come from LineReader: bufio.ReadLine drops "\n" or "\r\n" and "\n" is appended,
    so every line ends with "\n". A line starting with "---" ends a non-empty document; only
    spaces or a comment may follow it ("invalid Yaml document separator: ..." otherwise). A
    separator met with an empty buffer is kept as the first line of the next document.
    """
    docs: list[str] = []
    buf: list[str] = []
    parts = data.split("\n")
    for n, raw in enumerate(parts):
        last = n == len(parts) - 1
        if last and raw == "":
            break  # the EOF read: ReadLine returns nothing
        line = raw[:-1] if (raw.endswith("\r") and not last) else raw
        line += "\n"
        if line.startswith("---"):
            trimmed = go_trim_space(line[3:])
            if trimmed and trimmed[0] != "#":
                raise YAMLSyntaxError(f"invalid Yaml document separator: {trimmed}")
            if buf:
                docs.append("".join(buf))
                buf = []
                continue
        buf.append(line)
    if buf:
        docs.append("".join(buf))
    return docs


# --------------------------------------------------------------------------------------------
# --set and friends: pkg/strvals


MAX_INDEX = 65536
MAX_NESTED_NAME_LEVEL = 30


class StrvalsError(Exception):
    pass


class _EOF(Exception):
    """io.EOF travelling as an error value."""


_NOT_LIST = object()


class _Scanner:
    """bytes.Buffer used as an io.RuneReader with UnreadRune."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0

    def read_rune(self) -> str | None:
        if self.i >= len(self.s):
            return None
        ch = self.s[self.i]
        self.i += 1
        return ch

    def unread_rune(self) -> None:
        self.i -= 1

    def rest(self) -> str:
        return self.s[self.i :]


def _runes_until(sc: _Scanner, stop: str, escapes: bool = True) -> tuple[str, str | None, bool]:
    """runesUntil / runesUntilLiteral: (runes, last rune, hit EOF)."""
    v: list[str] = []
    while True:
        r = sc.read_rune()
        if r is None:
            return "".join(v), None, True
        if r in stop:
            return "".join(v), r, False
        if escapes and r == "\\":
            nxt = sc.read_rune()
            if nxt is None:
                return "".join(v), None, True
            v.append(nxt)
            continue
        v.append(r)


def typed_val(v: str, st: bool) -> Any:
    """strvals.typedVal."""
    if st:
        return v
    low = v.casefold()  # strings.EqualFold
    if low == "true":
        return True
    if low == "false":
        return False
    if low == "null":
        return None
    if v == "0":
        return 0
    if v and v[0] != "0":
        iv = go_parse_int64(v)
        if iv is not None:
            return iv
    return v


def _set(data: dict, key: str, val: Any) -> None:
    if key:
        data[key] = val


def _set_index(lst: list | None, index: int, val: Any) -> list:
    if lst is None:
        lst = []
    if index < 0:
        raise StrvalsError(f"negative {index} index not allowed")
    if index > MAX_INDEX:
        raise StrvalsError(
            f"index of {index} is greater than maximum supported index of {MAX_INDEX}"
        )
    if len(lst) <= index:
        lst = lst + [None] * (index + 1 - len(lst))
    lst[index] = val
    return lst


class StrvalsParser:
    """strvals.parser (and literalParser when literal=True).

    mode: "typed" (--set), "string" (--set-string), "json" (--set-json key=value form),
    "file" (--set-file, reader maps a path to the file's text), "literal" (--set-literal).
    Errors are raised as StrvalsError with Helm's message.
    """

    def __init__(
        self, s: str, data: dict, mode: str, reader: Callable[[str], Any] | None = None
    ) -> None:
        self.sc = _Scanner(s)
        self.data = data
        self.mode = mode
        self.literal = mode == "literal"
        self.isjson = mode == "json"
        if mode == "file":
            assert reader is not None
            self.reader = reader
        else:
            st = mode == "string"
            self.reader = lambda rs: typed_val(rs, st)

    def parse(self) -> None:
        while True:
            try:
                self.key(self.data, 0)
            except _EOF:
                return

    # -- key ----------------------------------------------------------------------------------

    def key(self, data: dict, nested: int) -> None:
        try:
            if self.literal:
                self._key_literal(data, nested)
            else:
                self._key(data, nested)
        except _GoPanic as p:
            raise StrvalsError(f"unable to parse key: {p}") from None

    def _key(self, data: dict, nested: int) -> None:
        k, last, eof = _runes_until(self.sc, "=[,.")
        if eof:
            if not k:
                raise _EOF()
            raise StrvalsError(f"key {go_quote(k)} has no value")
        if last == "[":
            try:
                i = self.key_index()
            except StrvalsError as e:
                raise StrvalsError(f"error parsing index: {e}") from None
            lst: Any = []
            if k in data:
                lst = _as_list(data[k])
            try:
                lst = self.list_item(lst, i, nested)
            except _ListItemError as e:
                _set(data, k, e.lst)
                raise e.err from None
            _set(data, k, lst)
            return
        if last == "=":
            if self.isjson:
                if self.empty_val():
                    _set(data, k, None)
                    return
                jsonval = self.decode_json()
                _set(data, k, jsonval)
                self.empty_val()
                return
            vl = self.val_list()
            if vl is _EOF:
                _set(data, k, "")
                raise _EOF()
            if vl is _NOT_LIST:
                rs = self.val()
                v = self.reader(rs)
                _set(data, k, v)
                return
            _set(data, k, vl)
            return
        if last == ",":
            _set(data, k, "")
            raise StrvalsError(f"key {go_quote(k)} has no value (cannot end with ,)")
        if last == ".":
            nested += 1
            if nested > MAX_NESTED_NAME_LEVEL:
                raise StrvalsError(
                    "value name nested level is greater than maximum supported nested level "
                    f"of {MAX_NESTED_NAME_LEVEL}"
                )
            inner: dict = {}
            if k in data:
                inner = _as_map(data[k])
            err: BaseException | None = None
            try:
                self.key(inner, nested)
            except (StrvalsError, _EOF) as e:
                err = e
            if err is None and not inner:
                raise StrvalsError(f"key map {go_quote(k)} has no value")
            if inner:
                _set(data, k, inner)
            if err is not None:
                raise err
            return

    def _key_literal(self, data: dict, nested: int) -> None:
        k, last, eof = _runes_until(self.sc, "=[.", escapes=False)
        if eof:
            if not k:
                raise _EOF()
            raise StrvalsError(f"key {go_quote(k)} has no value")
        if last == "=":
            value, _, _ = _runes_until(self.sc, "", escapes=False)
            _set(data, k, value)
            return
        if last == ".":
            nested += 1
            if nested > MAX_NESTED_NAME_LEVEL:
                raise StrvalsError(
                    "value name nested level is greater than maximum supported nested level "
                    f"of {MAX_NESTED_NAME_LEVEL}"
                )
            inner: dict = {}
            if k in data:
                inner = _as_map(data[k])
            err: BaseException | None = None
            try:
                self.key(inner, nested)
            except (StrvalsError, _EOF) as e:
                err = e
            if err is None and not inner:
                raise StrvalsError(f"key map {go_quote(k)} has no value")
            if inner:
                _set(data, k, inner)
            if err is not None:
                raise err
            return
        if last == "[":
            try:
                i = self.key_index()
            except StrvalsError as e:
                raise StrvalsError(f"error parsing index: {e}") from None
            lst: Any = []
            if k in data:
                lst = _as_list(data[k])
            try:
                lst = self.list_item(lst, i, nested)
            except _ListItemError as e:
                _set(data, k, e.lst)
                raise e.err from None
            _set(data, k, lst)
            return

    def key_index(self) -> int:
        v, _, eof = _runes_until(self.sc, "]", escapes=not self.literal)
        if eof:
            raise _EOF()
        try:
            return go_atoi(v)
        except ValueError as e:
            raise StrvalsError(str(e)) from None

    # -- list items ---------------------------------------------------------------------------

    def list_item(self, lst: list | None, i: int, nested: int) -> list:
        """Returns the new list; on error raises _ListItemError carrying the list Go returns."""
        try:
            return self._list_item(lst, i, nested)
        except _ListItemError:
            raise
        except (StrvalsError, _EOF) as e:
            raise _ListItemError(lst, e) from None

    def _list_item(self, lst: list | None, i: int, nested: int) -> list:
        if i < 0:
            raise StrvalsError(f"negative {i} index not allowed")
        k, last, eof = _runes_until(self.sc, "[.=", escapes=not self.literal)
        if k:
            # k is a []rune here: %q prints ['x' 'y'], not "xy".
            raise StrvalsError(f"unexpected data at end of array index: {go_quote_runes(k)}")
        if eof:
            raise _EOF()
        if last == "=":
            if self.literal:
                value, _, _ = _runes_until(self.sc, "", escapes=False)
                return _set_index(lst, i, value)
            if self.isjson:
                if self.empty_val():
                    return _set_index(lst, i, None)
                jsonval = self.decode_json()
                lst = _set_index(lst, i, jsonval)
                try:
                    self.empty_val()
                except StrvalsError as e:
                    raise _ListItemError(lst, e) from None
                return lst
            vl = self.val_list()
            if vl is _EOF:
                return _set_index(lst, i, "")
            if vl is _NOT_LIST:
                rs = self.val()
                v = self.reader(rs)
                return _set_index(lst, i, v)
            return _set_index(lst, i, vl)
        if last == "[":
            try:
                next_i = self.key_index()
            except StrvalsError as e:
                raise StrvalsError(f"error parsing index: {e}") from None
            crt: list | None = None
            if lst is not None and len(lst) > i:
                existed = lst[i]
                if existed is not None:
                    crt = _as_list(existed)
            try:
                list2 = self.list_item(crt, next_i, nested)
            except _ListItemError as e:
                raise _ListItemError(lst, e.err) from None
            return _set_index(lst, i, list2)
        if last == ".":
            inner: dict = {}
            if lst is not None and len(lst) > i:
                if isinstance(lst[i], dict):
                    inner = lst[i]
                else:
                    lst[i] = {}
                    inner = lst[i]
            self.key(inner, nested)
            return _set_index(lst, i, inner)
        raise StrvalsError(f"parse error: unexpected token {ord(last) if last else 0}")

    # -- values -------------------------------------------------------------------------------

    def empty_val(self) -> bool:
        while True:
            r = self.sc.read_rune()
            if r is None:
                return True
            if r == ",":
                return True
            if not go_is_space(r):
                self.sc.unread_rune()
                return False

    def decode_json(self) -> Any:
        """json.NewDecoder(rest).Decode, then discard InputOffset runes."""
        rest = self.sc.rest()
        try:
            value, end = _JSON_DECODER.raw_decode(rest, _skip_json_ws(rest, 0))
        except (json.JSONDecodeError, GoJSONError) as e:
            raise StrvalsError(f"json: {e}") from None
        self.sc.i += end
        return value

    def val(self) -> str:
        v, _, _ = _runes_until(self.sc, ",")
        return v

    def val_list(self) -> Any:
        r = self.sc.read_rune()
        if r is None:
            return _EOF
        if r != "{":
            self.sc.unread_rune()
            return _NOT_LIST
        out: list = []
        while True:
            rs, last, eof = _runes_until(self.sc, ",}")
            if eof:
                raise StrvalsError("list must terminate with '}'")
            if last == "}":
                r2 = self.sc.read_rune()
                if r2 is not None and r2 != ",":
                    self.sc.unread_rune()
                out.append(self.reader(rs))
                return out
            out.append(self.reader(rs))


class _ListItemError(Exception):
    def __init__(self, lst: Any, err: BaseException) -> None:
        super().__init__(str(err))
        self.lst = lst
        self.err = err


def parse_into(s: str, dest: dict, mode: str, reader: Callable[[str], Any] | None = None) -> None:
    """strvals.ParseInto / ParseIntoString / ParseJSON / ParseIntoFile / ParseLiteralInto."""
    StrvalsParser(s, dest, mode, reader).parse()


def parse_fresh(s: str, mode: str, reader: Callable[[str], Any] | None = None) -> dict:
    """strvals.Parse & co. on an empty map (what the SDK's parse_set_* functions do)."""
    d: dict = {}
    parse_into(s, d, mode, reader)
    return d


# --------------------------------------------------------------------------------------------
# Manifests: pkg/release/v1/util


INSTALL_ORDER = [
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
]
_ORDER = {k: i for i, k in enumerate(INSTALL_ORDER)}

HOOK_EVENTS = {
    "pre-install": "pre-install",
    "post-install": "post-install",
    "pre-delete": "pre-delete",
    "post-delete": "post-delete",
    "pre-upgrade": "pre-upgrade",
    "post-upgrade": "post-upgrade",
    "pre-rollback": "pre-rollback",
    "post-rollback": "post-rollback",
    "test": "test",
    "test-success": "test",
}
HOOK_ANNOTATION = "helm.sh/hook"

# Go's regexp "\s" is [\t\n\f\r ]; "^" without (?m) is the start of the text.
_SEP = re.compile(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*")


def split_manifests(big: str) -> list[str]:
    """releaseutil.SplitManifests, returned in BySplitManifestsOrder (a list, not a map)."""
    out = []
    for d in _SEP.split(go_trim_left_space(big)):
        if go_trim_space(d) == "":
            continue
        out.append(go_trim_left_space(d))
    return out


class Manifest:
    __slots__ = ("name", "content", "kind")

    def __init__(self, name: str, content: str, kind: str) -> None:
        self.name = name
        self.content = content
        self.kind = kind


class Hook:
    __slots__ = ("name", "kind", "path", "manifest", "events", "weight")

    def __init__(
        self, name: str, kind: str, path: str, manifest: str, events: list[str], weight: int
    ) -> None:
        self.name = name
        self.kind = kind
        self.path = path
        self.manifest = manifest
        self.events = events
        self.weight = weight


class ManifestParseError(Exception):
    pass


def _kind_key(kind: str) -> tuple:
    # lessByKind: known kinds by InstallOrder, unknown kinds after them sorted by name, ties
    # keep their order (sort.SliceStable, and Python's sort is stable too).
    if kind in _ORDER:
        return (0, _ORDER[kind], "")
    return (1, 0, kind)


def sort_manifests(
    files: dict[str, str],
    parse_head: Callable[[str, str], dict],
    hooks_only: bool = False,
) -> tuple[list[Hook], list[Manifest]]:
    """releaseutil.SortManifests(files, nil, InstallOrder).

    parse_head(doc, path) returns {"kind": str, "name": str, "annotations": dict|None} for one
    document (raising ManifestParseError with Helm's message). With hooks_only, documents that
    cannot be hooks (no "helm.sh/hook" in their text) are neither parsed nor returned.
    """
    hooks: list[Hook] = []
    generic: list[Manifest] = []
    for path in sorted(files):
        content = files[path]
        base = path.rsplit("/", 1)[-1]
        if base.startswith("_"):
            continue
        if go_trim_space(content) == "":
            continue
        for m in split_manifests(content):
            if hooks_only and HOOK_ANNOTATION not in m:
                continue
            head = parse_head(m, path)
            ann = head.get("annotations")
            if not ann or HOOK_ANNOTATION not in ann:
                if not hooks_only:
                    generic.append(Manifest(path, m, head.get("kind", "")))
                continue
            hook_types = ann[HOOK_ANNOTATION]
            events = []
            unknown = False
            for ht in hook_types.split(","):
                ht = go_trim_space(ht).lower()
                if ht not in HOOK_EVENTS:
                    unknown = True
                    break
                events.append(HOOK_EVENTS[ht])
            if unknown:
                continue  # Helm logs "skipping unknown hooks" and drops the document
            try:  # calculateHookWeight: strconv.Atoi, 0 when it fails
                weight = go_atoi(ann.get("helm.sh/hook-weight", ""))
            except ValueError:
                weight = 0
            hooks.append(Hook(head.get("name", ""), head.get("kind", ""), path, m, events, weight))
    hooks.sort(key=lambda h: _kind_key(h.kind))
    generic.sort(key=lambda m: _kind_key(m.kind))
    return hooks, generic


# --------------------------------------------------------------------------------------------
# path/filepath.Match (Unix: separator "/", backslash escapes)


class BadPattern(Exception):
    pass


def go_filepath_match(pattern: str, name: str) -> bool:
    """filepath.Match; a malformed pattern raises BadPattern (helm template ignores it)."""
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and chunk == "":
            return "/" not in name
        t, ok = _match_chunk(chunk, name)
        if ok and (len(t) == 0 or len(pattern) > 0):
            name = t
            continue
        if star:
            i = 0
            while i < len(name) and name[i] != "/":
                t, ok = _match_chunk(chunk, name[i + 1 :])
                if ok:
                    if len(pattern) == 0 and len(t) > 0:
                        i += 1
                        continue
                    name = t
                    break
                i += 1
            else:
                # Before returning false with no error, check that the rest of the pattern
                # is well formed (Go does the same).
                while pattern:
                    _, chunk, pattern = _scan_chunk(pattern)
                    _match_chunk(chunk, "")
                return False
            continue
        while pattern:
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, "")
        return False
    return len(name) == 0


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    star = False
    while pattern and pattern[0] == "*":
        pattern = pattern[1:]
        star = True
    inrange = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 < len(pattern):
                i += 1
        elif c == "[":
            inrange = True
        elif c == "]":
            inrange = False
        elif c == "*":
            if not inrange:
                break
        i += 1
    return star, pattern[:i], pattern[i:]


def _match_chunk(chunk: str, s: str) -> tuple[str, bool]:
    failed = False
    while chunk:
        if not failed and not s:
            failed = True
        c = chunk[0]
        if c == "[":
            r = ""
            if not failed:
                r = s[0]
                s = s[1:]
            chunk = chunk[1:]
            negated = False
            if chunk and chunk[0] == "^":
                negated = True
                chunk = chunk[1:]
            match = False
            nrange = 0
            while True:
                if chunk and chunk[0] == "]" and nrange > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk and chunk[0] == "-":
                    hi, chunk = _get_esc(chunk[1:])
                if lo <= r <= hi and r != "":
                    match = True
                nrange += 1
            if match == negated:
                failed = True
        elif c == "?":
            if not failed:
                if s[0] == "/":
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
        elif c == "\\":
            chunk = chunk[1:]
            if not chunk:
                raise BadPattern()
            if not failed:
                if chunk[0] != s[0]:
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
        else:
            if not failed:
                if chunk[0] != s[0]:
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
    if failed:
        return "", False
    return s, True


def _get_esc(chunk: str) -> tuple[str, str]:
    if not chunk or chunk[0] in "-]":
        raise BadPattern()
    if chunk[0] == "\\":
        chunk = chunk[1:]
        if not chunk:
            raise BadPattern()
    r = chunk[0]
    chunk = chunk[1:]
    if not chunk:
        raise BadPattern()
    return r, chunk
