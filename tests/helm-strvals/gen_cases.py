"""Writes cases.json: Helm's own answers for `--set`-family lines, for src/render/helm/strvals.rs.

Run with the Helm SDK venv (tests/helm-oracle/README.md, scripts/install-helm-sdk.sh):

    target/helm-sdk-venv/bin/python tests/helm-strvals/gen_cases.py

Every case without a `base` is answered by real Helm (helm-python-sdk 0.2.2 = Helm v4.2.3's
Go SDK): `helm_strvals_parse`, `_parse_string`, `_parse_json`, `_parse_literal`,
`_parse_file` (strvals.Parse & co. on a fresh map), errors with Go's exact text. The SDK
returns its map as JSON, so the Go types of numbers are lost; they are restored from the
flag: `--set` numbers are int64 (written as JSON integers), `--set-json` numbers float64
(written with a decimal point or an exponent). Each SDK answer is also checked against the
Python port tests/helm-oracle/gohelm.py (JSON error texts excepted: the port words them as
Python does) and disagreements are listed.

The SDK can only parse into an empty map, so cases *with* a `base` (parsing into values given
before, as `helm template` does flag after flag) are answered by gohelm.py, which selftest.py
holds to the SDK; base numbers are float64, as from a values file.

--set-file paths name the files in FILES, read from a temporary directory; any other path
fails as Go's os.ReadFile does (`open PATH: no such file or directory`).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "helm-oracle"))

import gohelm  # noqa: E402
import helm_python as helm  # noqa: E402
from helm_python import _native  # noqa: E402

SDK = {
    "set": "helm_strvals_parse",
    "string": "helm_strvals_parse_string",
    "json": "helm_strvals_parse_json",
    "literal": "helm_strvals_parse_literal",
    "file": "helm_strvals_parse_file",
}
PORT_MODE = {"set": "typed", "string": "string", "json": "json", "literal": "literal", "file": "file"}

FILES = {"f1.txt": "one", "f2.txt": "two\n", "sp ace.txt": "spaced", "comma,name.txt": "c,n", "e.txt": ""}

# pkg/strvals/parser_test.go (TestParseSet, TestParseSetNestedLevels), selftest.py, and more.
NESTED_31 = ".".join(f"name{i}" for i in range(1, 33)) + "=value"
NESTED_30 = ".".join(f"name{i}" for i in range(1, 32)) + "=value"
SET = [
    # parser_test.go
    "name1=null,f=false,t=true", "name1=value1", "name1=value1,name2=value2",
    "name1=value1,name2=value2,", "name1=value1,,,,name2=value2,", "name1=,name2=value2",
    "leading_zeros=00009", "zero_int=0", "long_int=1234567890", "long_int_string=1234567890",
    "boolean=true", "is_null=null", "zero=0", "name1,name2=", "name1,name2=value2",
    "name1,name2=value2\\", "name1,name2", "name1=one\\,two,name2=three\\,four",
    "name1=one\\=two,name2=three\\=four", "name1=one two three,name2=three two one",
    "outer.inner=value", "outer.middle.inner=value", "outer.inner1=value,outer.inner2=value2",
    "outer.inner1=value,outer.middle.inner=value", "name1.name2", "name1.name2,name1.name3",
    "name1.name2=", "name1.=name2", "name1.,name2", "name1={value1,value2}",
    "name1={value1,value2},name2={value1,value2}", "name1={1021,902}",
    "name1.name2={value1,value2}", "name1={1021,902", "list[0]=foo", "list[0].foo=bar",
    "list[0].foo=bar,list[0].hello=world", "list[0].foo=bar,list[-30].hello=world",
    "list[0]=foo,list[1]=bar", "list[0]=foo,list[1]=bar,", "list[0]=foo,list[3]=bar",
    "list[0]=foo,list[-20]=bar", "illegal[0]name.foo=bar", "noval[0]", "noval[0]=",
    "nested[0][0]=1", "nested[1][1]=1", "name1.name2[0].foo=bar,name1.name2[1].foo=bar",
    "name1.name2[1].foo=bar,name1.name2[0].foo=bar", "name1.name2[1].foo=bar", "]={}].",
    "outer.middle.inner=value", NESTED_31, NESTED_30,
    # selftest.py STRVALS_CASES
    "a=1", "a=1,b=2", "a.b.c=x", "a[0]=1,a[2]=3", "a[0].b=1,a[0].c=2", "a[1][0]=x", "a[0][1].b=2",
    "a={1,2,3}", "a={}", "a={a,b}", "a={a,b", "a=", "a=,b=1", "a", "a.b", "a,", "=1", ",", "",
    "a=1\\,2", "a\\.b=1", "a=x\\", "a=true,b=FALSE,c=null,d=0,e=00,f=-1,g=+5,h=1e3,i=0x1F",
    "j=9223372036854775807,k=9223372036854775808,l=1.5,m=-0", "a[-1]=1", "a[x]=1",
    "a[65537]=1", "a[1", "a[1]", "a[1]x=2", "a.b=1,a=2", "a=2,a.b=1", "a=x,a[0]=1", "a[0]=1,a.b=2",
    "a[0]=1,a[0][1]=2", "a[0]=x,a[0].b=1", "name=value with spaces", "ключ=значение",
    "a=\"quoted\",b='single'", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.A.B.C.D.E=1",
    "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.A.B.C.D=1", "a[0]={x,y}",
    "a[0]=,b=2", "a.=1", "a..b=1", "[0]=1", "a[]=1", "a[0]]=1", "a=b=c", "a={b=c}", "x=\u00e9\u00e8",
    # typedVal
    "a=TRUE", "a=True", "a=tRuE", "a=fals\u017f", "a=NULL", "a=nuLL", "a=nil", "a=yes", "a=+0",
    "a=-0", "a=-01", "a=+", "a=-", "a=1_000", "a=\u0663", "a= 1", "a=1 ", "a=0.0", "a=1.0",
    "a=-9223372036854775808", "a=-9223372036854775809", "a=18446744073709551616", "a=\\1",
    "a=\\", "a=\\\\", "a=\\n", "a=0b1", "a=0o7", "a=1e3", "a=Inf", "a=NaN", "a=0x10",
    # keys, escapes, lists
    "a\\=b=c", "a\\[0]=1", "a\\,b=1", "a=x,,b=1", "a=1,", ",a=1", "a=1,,", "a[0]=1,a[0]=2",
    "a[2]=x,a[0]=y", "a[0][0][0]=deep", "a[1].b=1,a[0]=x", "a[0].b[1].c=d",
    "a.b[0]=1,a.b[1]=2", "a[0][1]=x,a[0][0]=y", "a[00]=1", "a[+1]=1", "a[ 1]=1", "a[1 ]=1",
    "a[1]]", "a[99999999999999999999]=1", "a[-0]=1", "a[0]={}", "a[0]={x}", "a={x}y",
    "a={x},b=1", "a={x}.b=1", "a={,}", "a={a\\,b,c}", "a={a\\}b}", "a={true,null,1,01}",
    "a.b.c=1,a.b=2", "a=1,a.b=2", "a=x,a.b=1", "a={1},a[1]=2", "a={1},a.b=2", "a[0]=1,a={2}",
    "a.b=,c=1", "a[0].b=", "a[0].b=,c=1", "a[0].", "a[0][0]", "a[70000]", "a[70000].b=1",
    "a[70000].b=", "a[65537]", "a=null,a[0]=1", "a=null,a.b=1", "a[0]=null,a[0][0]=1",
    "a[1].b=1,a[1][0]=2", "a[0][0]=1,a[0].b=2", "a.b.", "a.b.c", "a[0]x", "a[0]=1,a[1", "a[0][1",
    "a\tb", "\u200b", "é", "a[0]é=1", "a[0]\\,=1", "a[\\1]=x", "a.b[0].c.d[1][2].e=f",
    "a=1,a=2", "a.b=1,a.b.c=2", "a=é\u00a0", "a=<&>", "a[0]=1,a[65537]=2",
]

# parser_test.go TestParseJSON (fresh), selftest.py JSON_CASES, and more.
JSON = [
    'outer.inner1="1",outer.inner3=3,outer.inner4=true,outer.inner5="true"',
    'outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],'
    'outer.inner4={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner5=[{"A":"1","B":2,"C":[1,2,3]}]',
    'outer.inner1=,outer.inner3={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner3.cc[1]=null',
    'outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],'
    'outer.inner4={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner5={"A":"1","B":2,"C":[1,2,3]}]',
    'a={"b":[1,2]}', 'a=[1,2],b="x"', "a=", "a=null", "a= 1 , b=2", "a=tru", 'a={"x":1}x',
    'a[0]={"k":1}', "a=1e400", 'a=1,b', 'a.b=[true,false]', 'a="x\\"y"', "a=[1,2", "a[1]=2,a[0]=1",
    "a=1b=2", "a=truex=1", 'a="x" ,b=1', "a=  ", "a= ,b=1", "a=\u000b1", "a=\u00a01", "a=[]", "a={}",
    "a=[ ]", "a={ }", "a=[1,]", 'a={"a" 1}', 'a={"a":1,}', "a={1:2}", 'a="\\ud83d\\ude00"',
    'a="\\ud800\\u0041"', 'a="\\udc00"', 'a="\\ud800"', 'a="\\x"', 'a="\\u12g4"', 'a="tab\there"',
    "a=-", "a=-x", "a=1.", "a=1.e", "a=1e", "a=1e+", "a=1ex", "a=01", "a=-0", "a=1E2",
    "a=1e-400", "a=[1e400,x]", "a=[1e400]", "a=[1e400,1e500]", "a=nul", "a=nulx", "a=fals",
    "a=é", "a='x'", 'a="é"', "a=[[[[1]]]]", "a[0]=1,a[2]=3", "a[0].b=1", "a.b=1,a.c=null",
    "a=null,a.b=1", "b", "a", 'a="unterminated', 'a={"x":[1,{"y":null}]}',
    "a=123456789012345678901234567890", "a=0.1", "a=1.7976931348623157e308", "a=5e-324",
    'a="<&>"', 'a={"a":1,"a":2}', 'a={"":1}', 'a={"a":{"b":{}}}', "a=[1,2]x", 'a="s"y=1',
    "a=1.5.3", "a=1,,b=2", "a={\"k\":1} ,b=[2]", "a=\"\\/\\b\\f\\n\\r\\t\"", "a=\"\u0001\"",
    "a[0]=,a[1]=2", "a[0]=[1],a[0][1]=2", "a[65537]=1", "a=\"x\"\\", "a.b", ",", "",
    "a=" + "[" * 10001, "a=" + "[" * 100 + "]" * 100, "a=" + "[" * 50, "a=[{\"b\":[}]",
    'a={"b"', 'a={"b":', 'a={"b":1', "a=[1 2]", "a={,}", "a=-01", "a=+1", "a=.5",
]

# literal_parser_test.go (TestParseLiteral, TestParseLiteralNestedLevels), selftest.py, more.
LITERAL = [
    "name", "name=", "name=value", "long_int_string=1234567890", "boolean=true", "is_null=null",
    "zero=0", "name1=null,name2=value2", "name1=value,,,tail", "leading_zeros=00009",
    "name=one two three", "outer.inner=value", "outer.middle.inner=value", "name1.name2",
    "name1.name2=", "name1.=name2", "name1.,name2", "name1={value1,value2}", "list[0]=foo",
    "list[0].foo=bar", "list[-30].hello=world", "list[3]=bar", "illegal[0]name.foo=bar",
    "noval[0]", "noval[0]=", "nested[0][0]=1", "nested[1][1]=1", "name1.name2[0].foo=bar",
    "name1.name2[1].foo=bar", "]={}].", "name=val,val", "name=val.val", "name=val=val",
    "name=val$val", "name=(value", "name=value)", "name=(value)", "name={value", "name=value}",
    "name={value}", "name={value1,value2}", "name=val\\val", "name=val\\\\val",
    "name=val\\\\\\val", "name={val,.?*v\\0a!l)some",
    "name=em%GT)tqUDqz,i-\\h+Mbqs-!:.m\\\\rE=mkbM#rR}@{-k@", NESTED_31, NESTED_30,
    # selftest.py LITERAL_CASES
    "a=b,c=d", "a.b=x=y", "a[0]=1,2", "a", "a.b", "a[1]=", "a\\b=1", "a[1", "a[x]=1", "a.b[0].c=1",
    "a=", "", "a[0][1]=z", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.A.B.C.D.E=1",
    # more
    "a,b=1", "a[0]x=1", "a[ 0]=1", "a[0].b[1]=x", "a.b.c", "a.b.", "a[-1]=1", "a[65537]=x", "=x",
    "a.=x", "[0]=x", "a==b", "a=\\", "a[0]\\=1", "a[\\0]=1", "a[0]", "a[0].b=", "a[70000]",
    "a=null", "a=1,a=2", "a.b=1\nc=2", "a= x ", "a[0]={x,y}", "a=é,ß",
]

FILE = [
    "a=f1.txt", "a=f1.txt,b=f2.txt", "a={f1.txt,f2.txt}", "a=missing.txt", "a[0]=f1.txt",
    "a.b=f2.txt", "a=", "a=,b=f1.txt", "a={}", "a", "a=sp ace.txt", "a=comma\\,name.txt",
    "a=f1.txt,a=f2.txt", "a[1]=f1.txt,a[0]=f2.txt", "a={f1.txt,missing.txt}", "a=e.txt",
    "a=f1.txt,b", "a.b.c=f1.txt", "a[0].b=f2.txt", "a[0].b=", "a=f\\1.txt",
]

# Parsing into values given before (answered by gohelm.py): (kind, base, line).
INTO: list[tuple[str, dict, str]] = [
    # parser_test.go TestParseInto, TestParseIntoString
    ("set", {"outer": {"inner1": "overwrite", "inner2": "value2"}},
     "outer.inner1=value1,outer.inner3=value3,outer.inner4=4"),
    ("set", {"listOuter": [[[{"exited": "old"}]]]}, "listOuter[0][1][0].type=listValue"),
    ("set", {"listOuter": [[[{"exited": "old"}], [{"type": "listValue"}]]]},
     "listOuter[0][0][1].status=alive"),
    ("set", {"listOuter": [[{"type": "listValue"}]]}, "listOuter[0][0].status=alive"),
    ("set", {"listOuter": [[{"type": "listValue"}]]}, "listOuter[1][0].status=alive"),
    ("string", {"outer": {"inner1": "overwrite", "inner2": "value2"}}, "outer.inner1=1,outer.inner3=3"),
    # parser_test.go TestParseJSON
    ("json", {"outer": {"inner1": "overwrite", "inner2": "value2"}},
     'outer.inner1="1",outer.inner3=3,outer.inner4=true,outer.inner5="true"'),
    ("json", {"outer": {"inner1": {"x": "overwrite"}, "inner2": "value2", "inner3": ["overwrite"]}},
     'outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],'
     'outer.inner4={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner5=[{"A":"1","B":2,"C":[1,2,3]}]'),
    ("json", {"outer": {"inner1": {"x": "overwrite"}, "inner2": "value2"}},
     'outer.inner1=,outer.inner3={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner3.cc[1]=null'),
    # literal_parser_test.go TestParseLiteralInto
    ("literal", {"outer": {"inner1": "overwrite", "inner2": "value2"}},
     "outer.inner1=value1,outer.inner3=value3,outer.inner4=4"),
    ("literal", {"listOuter": [[[{"exited": "old"}]]]}, "listOuter[0][1][0].type=listValue"),
    ("literal", {"listOuter": [[{"type": "listValue"}]]}, "listOuter[1][0].status=alive"),
    # lists and maps from a values file
    ("set", {"a": [1.0, 2.0, 3.0]}, "a[1]=x"),
    ("set", {"a": [1.0]}, "a[3]=x"),
    ("set", {"a": "str"}, "a[0]=1"),
    ("set", {"a": 1.0}, "a.b=1"),
    ("set", {"a": True}, "a.b=1"),
    ("set", {"a": None}, "a.b=1"),
    ("set", {"a": None}, "a[0]=1"),
    ("set", {"a": {"b": 1.0}}, "a.c=2"),
    ("set", {"a": {"b": 1.0}}, "a=3"),
    ("set", {"a": {"b": 1.0}}, "a[0]=3"),
    ("set", {"a": [{"x": 1.0}]}, "a[0].y=2"),
    ("set", {"a": ["s"]}, "a[0].y=2"),
    ("set", {"a": ["s"]}, "a[0].y="),
    ("set", {"a": [["s"]]}, "a[0][0].y="),
    ("set", {"a": [{"x": 1.0}]}, "a[0].y="),
    ("set", {"a": [[1.0]]}, "a[0][1]=2"),
    ("set", {"a": [1.0]}, "a[0][0]=1"),
    ("set", {"a": [None]}, "a[0][0]=1"),
    ("set", {"a": [1.0, [2.0]]}, "a[1][0][0]=1"),
    ("set", {"a": {}}, "a.=1"),
    ("set", {"a": {"x": 1.0}}, "a.=1"),
    ("set", {"a": {}}, "a.b.c"),
    ("set", {"": [1.0]}, "[0]=5"),
    ("set", {"": [1.0]}, "[1]=5"),
    ("set", {"": {"x": 1.0}}, ".y=2"),
    ("set", {"": [{"x": 1.0}]}, "[0].y=2"),
    ("set", {"": ["s"]}, "[0].y=2"),
    ("set", {"a": [1.0, 2.0]}, "a[5]"),
    ("set", {"a": [1.0, 2.0]}, "a[0][0]"),
    ("set", {"a": [1.0, 2.0]}, "a[1"),
    ("set", {"a": {"b": [1.0, {"c": "d"}]}}, "a.b[1].e=f,a.b[0]=g"),
    ("set", {"keep": "me", "a": {"keep": 1.0}}, "a.b={x,y},c=true"),
    ("set", {"a": [1.0]}, "a={2,3}"),
    ("set", {"a": 1.0}, "a=null"),
    ("set", {"a": "x"}, "a="),
    ("set", {"a": [1.0]}, "a[0]=,b=1"),
    ("set", {"a": [1.0]}, "a[70000]=1"),
    ("string", {"a": [1.0, 2.0]}, "a[0]=3,a[2]=true"),
    ("string", {"a": "x"}, "a.b=1"),
    ("json", {"a": {"b": 1.0}}, 'a={"c":2}'),
    ("json", {"a": [1.0, 2.0]}, "a[1]={\"x\":null}"),
    ("json", {"a": [[1.0]]}, "a[0][2]=true"),
    ("json", {"a": "s"}, "a.b=1"),
    ("json", {"a": "s"}, "a[0]=1"),
    ("json", {"a": {"b": 1.0}}, "a.b="),
    ("literal", {"a": [1.0, 2.0]}, "a[1]=x,y"),
    ("literal", {"a": "s"}, "a.b=x"),
    ("literal", {"a": {"b": 1.0}}, "a.c=x"),
    ("literal", {"a": [["s"]]}, "a[0][0].y=z"),
    ("file", {"a": [1.0]}, "a[1]=f1.txt"),
    ("file", {"a": {"b": 1.0}}, "a.c={f1.txt,f2.txt}"),
    ("file", {"a": "s"}, "a.b=f1.txt"),
]


def as_kind(kind: str, v: Any) -> Any:
    """SDK JSON back to Go types: --set numbers int64, --set-json numbers float64."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v) if kind == "json" else int(v)
    if isinstance(v, dict):
        return {k: as_kind(kind, x) for k, x in v.items()}
    return [as_kind(kind, x) for x in v]


def norm(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return [norm(x) for x in v]


def reader(path: str) -> str:
    if path in FILES:
        return FILES[path]
    raise gohelm.StrvalsError(f"open {path}: no such file or directory")


def port(kind: str, line: str, base: dict) -> dict:
    try:
        gohelm.parse_into(line, base, PORT_MODE[kind], reader if kind == "file" else None)
        return {"expect": base}
    except gohelm.StrvalsError as e:
        return {"error": str(e)}
    except RecursionError:
        return {"error": "port: RecursionError"}


def main() -> None:
    cases: list[dict] = []
    disagreements: list[str] = []
    work = tempfile.mkdtemp(prefix="strvals-")
    for name, text in FILES.items():
        with open(os.path.join(work, name), "w") as f:
            f.write(text)
    os.chdir(work)
    seen: set[tuple[str, str]] = set()
    for kind, lines in (("set", SET), ("string", SET), ("json", JSON), ("literal", LITERAL), ("file", FILE)):
        for line in lines:
            if (kind, line) in seen:
                continue
            seen.add((kind, line))
            case: dict[str, Any] = {"kind": kind, "input": line, "source": "helm-sdk"}
            try:
                case["expect"] = as_kind(kind, json.loads(_native.call_string(SDK[kind], line)))
            except helm.HelmError as e:
                case["error"] = str(e)
            cases.append(case)
            mine = port(kind, line, {})
            if "error" in case and "error" in mine:
                if case["error"] != mine["error"] and kind != "json":
                    disagreements.append(f"{kind} {line!r}: sdk {case['error']!r} port {mine['error']!r}")
            elif "expect" in case and "expect" in mine:
                if norm(case["expect"]) != norm(mine["expect"]):
                    disagreements.append(f"{kind} {line!r}: sdk {case['expect']} port {mine['expect']}")
            else:
                disagreements.append(f"{kind} {line!r}: sdk {case} port {mine}")
    for kind, base, line in INTO:
        case = {"kind": kind, "base": json.loads(json.dumps(base)), "input": line, "source": "gohelm.py"}
        case.update(port(kind, line, json.loads(json.dumps(base))))
        cases.append(case)
    out = {
        "about": "Expected results of Helm's pkg/strvals; written by gen_cases.py (see its docstring).",
        "helm": "v4.2.3 (helm-python-sdk 0.2.2)",
        "files": FILES,
        "cases": cases,
    }
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    n_sdk = sum(c["source"] == "helm-sdk" for c in cases)
    print(f"{len(cases)} cases ({n_sdk} answered by the SDK, {len(cases) - n_sdk} by gohelm.py)")
    for d in disagreements:
        print("port disagrees:", d)


if __name__ == "__main__":
    main()
